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
.presenter .slide.slide-stage { height: 100%; box-sizing: border-box; justify-content: center; }
.presenter .slide.slide-stage .slide-title { font-size: 2.4em; line-height: 1.15; }
.presenter .slide.slide-stage .slide-body { font-size: 1.6em; line-height: 1.35; }
.presenter .slide.slide-stage .slide-figure { flex: 1 1 0; }
.presenter .slide.slide-stage .slide-figure img { max-height: 100%; width: auto; object-fit: contain; }
.presenter .slide.slide-stage.image-only .slide-figure img { width: 100%; height: 100%; }
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
    { class: `slide ${extraClass}${onlyImage ? " image-only" : ""}` },
    c.title ? h("h3", { class: "slide-title", text: c.title }) : null,
    picture(h, c.image, extraClass !== "slide-stage"),
    c.body ? h("div", { class: "slide-body" }, bodyBlocks(h, c.body)) : null,
  );
}
