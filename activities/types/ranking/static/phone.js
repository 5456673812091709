// Ranking on the phone: the items in the person's order. Each moves with its Up / Down buttons (44 px,
// keyboard: the focus stays on the moved item's button) or by dragging it (pointer: mouse, touch, pen);
// then send. The room's order once answered.
import { ranks, sentence } from "./results.js";

function labelsOf(config) {
  return Object.fromEntries((config.items || []).map((i) => [i.id, i.label]));
}

/** What a screen reader hears after a move (a visually hidden status: no bidi isolates needed). */
function placed(ctx, item, position, total) {
  // Translators: said after an item of the ranking moved, e.g. "Gamma: now 1 of 3.".
  return ctx.fmt(gettext("%(item)s: now %(position)s of %(total)s."), { item, position, total });
}

export default {
  form(ctx) {
    const { h } = ctx;
    const c = ctx.config;
    const labels = labelsOf(c);
    const pictures = ctx.picturesById(c.items);
    const known = (c.items || []).map((i) => i.id);
    const previous = (ctx.mine?.order || []).filter((id) => known.includes(id));
    const order = previous.length === known.length ? [...previous] : known;
    const list = h("ol", {
      class: "rank-list",
      id: "rank-list",
      attrs: { "aria-label": gettext("Your ranking, first is best") },
    });
    const status = h("p", { class: "visually-hidden", id: "rank-status", attrs: { role: "status" } });

    const move = (id, to, focusWhich) => {
      const from = order.indexOf(id);
      if (to < 0 || to >= order.length || to === from) return;
      order.splice(from, 1);
      order.splice(to, 0, id);
      paint();
      status.textContent = placed(ctx, labels[id], to + 1, order.length);
      if (focusWhich) {
        const row = list.querySelector(`[data-item-id="${CSS.escape(id)}"]`);
        let target = row?.querySelector(`[data-move="${focusWhich}"]`);
        if (target?.disabled)
          target = row.querySelector(`[data-move="${focusWhich === "up" ? "down" : "up"}"]`);
        if (target) target.focus();
      }
    };

    const paint = () => {
      ctx.clear(list);
      order.forEach((id, i) => {
        const name = labels[id] || id;
        const up = h("button", {
          type: "button",
          class: "rank-move",
          text: "↑",
          disabled: i === 0,
          dataset: { move: "up" },
          attrs: { "aria-label": ctx.fmt(gettext("Move %(item)s up"), { item: name }) },
        });
        const down = h("button", {
          type: "button",
          class: "rank-move",
          text: "↓",
          disabled: i === order.length - 1,
          dataset: { move: "down" },
          attrs: { "aria-label": ctx.fmt(gettext("Move %(item)s down"), { item: name }) },
        });
        up.addEventListener("click", () => move(id, order.indexOf(id) - 1, "up"));
        down.addEventListener("click", () => move(id, order.indexOf(id) + 1, "down"));
        const handle = h("span", { class: "rank-handle", attrs: { "aria-hidden": "true" }, text: "⠿" });
        const row = h(
          "li",
          { class: "rank-item", dataset: { itemId: id } },
          handle,
          h("span", { class: "rank-pos", text: `${i + 1}.` }),
          h(
            "span",
            { class: "rank-label" },
            name,
            // The item's picture (contract v1.2) under its label, inside the row: the row still drags.
            ctx.picture(pictures.get(id), { lazy: true, maxHeight: "5rem", cls: "picture item-picture" }),
          ),
          h("span", { class: "rank-buttons" }, up, down),
        );
        row.addEventListener("pointerdown", (ev) => startDrag(ev, row, id));
        list.appendChild(row);
      });
    };

    // Dragging: crossing the middle of a neighbour swaps them (the neighbour moves, so the dragged row
    // keeps its pointer capture).
    const startDrag = (ev, row, id) => {
      if (ev.button !== 0 || ev.target.closest("button")) return;
      // A finger drags by the grip only, so the rest of the row still scrolls the page.
      if (ev.pointerType !== "mouse" && !ev.target.closest(".rank-handle")) return;
      ev.preventDefault();
      row.setPointerCapture(ev.pointerId);
      row.classList.add("dragging");
      const onMove = (e) => {
        const rows = [...list.children];
        const at = order.indexOf(id);
        const prev = rows[at - 1];
        const next = rows[at + 1];
        if (prev) {
          const r = prev.getBoundingClientRect();
          if (e.clientY < r.top + r.height / 2) {
            order.splice(at, 1);
            order.splice(at - 1, 0, id);
            list.insertBefore(prev, row.nextSibling);
            renumber();
            return;
          }
        }
        if (next) {
          const r = next.getBoundingClientRect();
          if (e.clientY > r.top + r.height / 2) {
            order.splice(at, 1);
            order.splice(at + 1, 0, id);
            list.insertBefore(next, row);
            renumber();
          }
        }
      };
      const onUp = () => {
        row.removeEventListener("pointermove", onMove);
        row.removeEventListener("pointerup", onUp);
        row.removeEventListener("pointercancel", onUp);
        row.classList.remove("dragging");
        paint();
        status.textContent = placed(ctx, labels[id], order.indexOf(id) + 1, order.length);
      };
      row.addEventListener("pointermove", onMove);
      row.addEventListener("pointerup", onUp);
      row.addEventListener("pointercancel", onUp);
    };
    const renumber = () => {
      [...list.children].forEach((li, i) => {
        li.querySelector(".rank-pos").textContent = `${i + 1}.`;
      });
    };

    paint();
    const button = h("button", {
      type: "submit",
      class: "btn btn-primary",
      text: ctx.mine ? gettext("Update ranking") : gettext("Send ranking"),
    });
    const form = h(
      "form",
      { class: "stack answer-form", id: "answer-form", attrs: { novalidate: "" } },
      h("p", {
        class: "hint",
        id: "rank-hint",
        text: gettext("Put the items in order, best first: drag them, or use the arrow buttons."),
      }),
      list,
      status,
      button,
    );
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      button.disabled = true;
      await ctx.submit({ order: [...order] });
      button.disabled = false;
    });
    return form;
  },

  mine(ctx, m) {
    const labels = labelsOf(ctx.config);
    return [
      // Translators: followed by the participant's ranking, in bold; keep the space at the end.
      gettext("Your ranking: "),
      // A list: each item isolated from its place.
      (m.order || []).map((id, i) =>
        ctx.h("span", {}, `${i + 1}. `, ctx.h("bdi", { text: labels[id] || id })),
      ),
    ];
  },

  update(ctx) {
    const r = ctx.activity.results;
    if (r && ctx.mine)
      ctx.replace(
        ctx.els.results,
        ctx.h("h3", { text: gettext("The room's ranking so far") }),
        ranks(ctx, r, { mine: ctx.mine.order || [], items: ctx.config.items }),
      );
    else ctx.clear(ctx.els.results);
  },

  sentence: (ctx, r) => sentence(ctx, r),
};
