// Fitting the big screen's stage to the screen (present.js), readable from the back of the room.
//
// Everything on the big screen is sized in em of a viewport-relative font (caja.css), so the layout is
// the same at 720p and 4K. Content that is still too much for the stage (a 20-option poll, a long
// question, a big leaderboard) is first shrunk: the largest --fit in [lowest, 1] with which the stage does
// not overflow, found by bisection (a few synchronous layouts, done before the next paint, so no
// flicker). It never shrinks text below the floor: 16 px at 1280x720 (FLOOR of the body's font, which
// follows the viewport, so 48 px at 4K). What does not fit at that size is paged: the lists that reach
// below the stage (or the ones marked data-pageable) show a page of their items, say which ("1–6 of
// 15"), and move on to the next page every few seconds, round and round.
import { fmt, h } from "./common.js";

// 16 px at 1280x720, where the body's font is 1.45vw = 18.56 px (caja.css .presenter).
const FLOOR = 16 / 18.56;
const override = Number(new URLSearchParams(location.search).get("page_s"));
const PAGE_MS = (override > 0 ? override : 8) * 1000;

/** main: the scrolling box (#main); stage: what is fitted (#stage). Returns {fit()}: call after every
 * redraw and resize. */
export function stageFitter(main, stage) {
  const pager = { key: null, index: 0, pages: 1, timer: null };

  const overflows = () =>
    main.scrollHeight > main.clientHeight + 1 || main.scrollWidth > main.clientWidth + 1;
  const setFit = (v) => stage.style.setProperty("--fit", String(v));

  /** The smallest font size of visible text in the stage (px). */
  function smallest() {
    let min = Number.POSITIVE_INFINITY;
    for (const el of stage.querySelectorAll("*")) {
      if (!el.firstChild || !el.getClientRects().length) continue;
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (own) min = Math.min(min, parseFloat(getComputedStyle(el).fontSize));
    }
    return min;
  }

  /** The lists to page: the ones marked data-pageable, else the lists that reach below the stage, else
   * the longest. */
  function pageable() {
    const marked = [...stage.querySelectorAll("[data-pageable]")];
    if (marked.length) return marked;
    main.scrollTop = 0;
    const bottom =
      main.getBoundingClientRect().top + main.clientHeight - parseFloat(getComputedStyle(main).paddingBottom);
    const lists = [...stage.querySelectorAll("ul, ol")].filter(
      (l) => l.children.length > 1 && l.getBoundingClientRect().bottom > bottom + 1,
    );
    const outer = lists.filter((l) => !lists.some((o) => o !== l && o.contains(l)));
    if (outer.length) return outer;
    // What overflows is below the lists (a count, a caption): page the longest one.
    let longest = null;
    for (const l of stage.querySelectorAll("ul, ol"))
      if (l.children.length > 1 && (!longest || l.children.length > longest.children.length)) longest = l;
    return longest ? [longest] : [];
  }

  function stopPaging() {
    clearInterval(pager.timer);
    pager.timer = null;
    pager.key = null;
    for (const el of stage.querySelectorAll(".pager")) el.remove();
  }

  function fit() {
    for (const el of stage.querySelectorAll(".off-page")) el.classList.remove("off-page");
    for (const el of stage.querySelectorAll(".paged")) el.classList.remove("paged");
    for (const el of stage.querySelectorAll(".pager")) el.remove();
    setFit(1);
    if (!overflows()) return stopPaging();
    const floor = parseFloat(getComputedStyle(document.body).fontSize) * FLOOR;
    const lowest = Math.min(1, floor / smallest());
    setFit(lowest);
    if (!overflows()) {
      let lo = lowest;
      let hi = 1;
      for (let i = 0; i < 8; i++) {
        const mid = (lo + hi) / 2;
        setFit(mid);
        if (overflows()) hi = mid;
        else lo = mid;
      }
      setFit(lo);
      return stopPaging();
    }
    const lists = pageable();
    if (!lists.length) return stopPaging(); // nothing to page: as small as readable
    page(lists);
  }

  // Every list to page shows the same page of as few pages as fit (a 6-option quiz's bars and its 10-player
  // leaderboard: 3 and 5 each on 2 pages); the pages turn together.
  function page(lists) {
    const key = stage.querySelector("[data-activity-id]")?.dataset.activityId || stage.firstElementChild?.id;
    if (pager.key !== key) {
      pager.key = key;
      pager.index = 0;
    }
    const all = lists.map((list) => {
      list.classList.add("paged");
      const caption = h("p", { class: "pager" });
      list.after(caption);
      return { items: [...list.children], caption };
    });
    const most = Math.max(...all.map((l) => l.items.length));
    const show = (pages) => {
      const index = pager.index % pages;
      for (const { items, caption } of all) {
        const size = Math.ceil(items.length / pages);
        const start = Math.min(index * size, (Math.ceil(items.length / size) - 1) * size);
        const end = Math.min(items.length, start + size);
        items.forEach((el, i) => {
          el.classList.toggle("off-page", i < start || i >= end);
        });
        caption.hidden = size >= items.length;
        caption.textContent = fmt(
          // Translators: which items of a long list the big screen shows now, e.g. "7–12 of 20" (it pages).
          gettext("%(first)s–%(last)s of %(total)s"),
          { first: start + 1, last: end, total: items.length },
        );
      }
    };
    // The fewest pages that fit (at most one item per page).
    let lo = 2;
    let hi = most;
    show(hi);
    if (!overflows()) {
      while (hi - lo > 0) {
        const mid = Math.floor((lo + hi) / 2);
        show(mid);
        if (overflows()) lo = mid + 1;
        else hi = mid;
      }
    }
    show(hi);
    pager.pages = hi;
    if (!pager.timer)
      pager.timer = setInterval(() => {
        pager.index = (pager.index + 1) % pager.pages;
        fit();
      }, PAGE_MS);
  }

  return { fit };
}
