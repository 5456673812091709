// What the slide's phone and presenter renderers share: its content built from plain text (never
// parsed as markup), and its own styles (added once, so the type needs nothing in caja.css).

const STYLE_ID = "caja-slide-style";
const CSS = `
.slide { display: flex; flex-direction: column; gap: .6em; min-width: 0; }
.slide .slide-title { margin: 0; overflow-wrap: anywhere; }
.slide .slide-body p, .slide .slide-body ul { margin: 0 0 .5em; overflow-wrap: anywhere; }
.slide .slide-body ul { padding-inline-start: 1.3em; }
.slide .slide-figure { margin: 0; min-height: 0; display: flex; justify-content: center; }
.slide .slide-figure img { display: block; max-width: 100%; height: auto; }
.presenter .slide.slide-stage { justify-content: center; }
.presenter .slide.slide-stage .slide-title { font-size: 2.2em; line-height: 1.15; }
.presenter .slide.slide-stage .slide-body { font-size: 1.5em; line-height: 1.35; }
/* Text and picture side by side (a wide screen has the room beside, not below), the title across. */
.presenter .slide.slide-stage.has-image:not(.image-only) {
  display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.3fr); align-items: center; column-gap: 1.5em;
}
.presenter .slide.slide-stage.has-image .slide-title { grid-column: 1 / -1; }
.presenter .slide.slide-stage.has-image .slide-figure { grid-column: 2; grid-row: 2; }
.presenter .slide.slide-stage.has-image .slide-body { grid-column: 1; grid-row: 2; }
/* Letterboxed: whole and undistorted, in the room the title leaves (a share of the window's height). */
.presenter .slide.slide-stage .slide-figure img { width: auto; max-height: 55vh; object-fit: contain; }
.presenter .slide.slide-stage.image-only .slide-figure img { max-height: 68vh; }
.slide-elsewhere { font-size: 1.3em; text-align: center; padding: 1.5em .5em; }
`;

export function ensureStyle() {
  if (document.getElementById(STYLE_ID)) return;
  const style = document.createElement("style");
  style.id = STYLE_ID;
  style.textContent = CSS;
  document.head.appendChild(style);
}

/** The body's plain text as paragraphs and bullet lists: a blank line separates paragraphs, a line
 * starting with "- " is a bullet. */
export function bodyBlocks(h, text) {
  const blocks = [];
  for (const para of String(text || "").split(/\n\s*\n/)) {
    const lines = para.split("\n").filter((l) => l.trim() !== "");
    let list = null;
    let words = [];
    const flush = () => {
      if (words.length) blocks.push(h("p", { text: words.join(" ") }));
      words = [];
    };
    for (const line of lines) {
      if (line.startsWith("- ")) {
        flush();
        if (!list) {
          list = h("ul", {});
          blocks.push(list);
        }
        list.appendChild(h("li", { text: line.slice(2).trim() }));
      } else {
        list = null;
        words.push(line.trim());
      }
    }
    flush();
  }
  return blocks;
}

/** A picture of an image reference in its public form {url, width, height, alt}. */
export function picture(h, image, lazy) {
  if (!image?.url) return null;
  return h(
    "figure",
    { class: "slide-figure" },
    h("img", {
      src: image.url,
      alt: image.alt || "",
      attrs: { width: image.width, height: image.height, loading: lazy ? "lazy" : null, decoding: "async" },
    }),
  );
}

/** The slide: title, image, body. */
export function slideContent(ctx, config, extraClass) {
  ensureStyle();
  const { h } = ctx;
  const c = config || {};
  const onlyImage = !c.title && !c.body;
  return h(
    "div",
    { class: `slide ${extraClass}${onlyImage ? " image-only" : ""}${c.image?.url ? " has-image" : ""}` },
    c.title ? h("h3", { class: "slide-title", text: c.title }) : null,
    picture(h, c.image, extraClass !== "slide-stage"),
    c.body ? h("div", { class: "slide-body" }, bodyBlocks(h, c.body)) : null,
  );
}
