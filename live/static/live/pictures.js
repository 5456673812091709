// Pictures of image references (contract v1.2) in their public form ({url, width, height, alt}: /state),
// shared by every type's phone and big-screen renderers through ctx (common.js `ui`): a type never
// builds an <img> of its own, so every picture keeps its alt text, its size rules and lazy loading.
import { h } from "./dom.js";

/** An image reference as a figure, or null without one: whole and undistorted, never wider than its
 * box nor taller than maxHeight, with its alt text; lazy-loaded where asked (phones). */
export function picture(image, { lazy = false, maxHeight = "", cls = "picture" } = {}) {
  if (!image?.url) return null;
  return h(
    "figure",
    { class: cls, style: { margin: "0" } },
    h("img", {
      src: image.url,
      alt: image.alt || "",
      attrs: { width: image.width, height: image.height, loading: lazy ? "lazy" : null, decoding: "async" },
      style: {
        display: "block",
        width: "auto",
        height: "auto",
        maxWidth: "100%",
        maxHeight,
        objectFit: "contain",
      },
    }),
  );
}

/** The pictures of a config's list (options, items, statements), by id: id → image. */
export function picturesById(list) {
  return new Map((list || []).filter((o) => o?.image).map((o) => [o.id, o.image]));
}

/** A small picture at the start of a results row's label (`text`, e.g. .bar-text), in its line: the
 * row spreads its label and its count apart, and keeps its room for the bar at every size. In em, so
 * it shrinks with the text when the big screen is fitted. Returns `text`. */
export function labelPicture(text, image, { lazy = false, maxHeight = "1.4em" } = {}) {
  const pic = picture(image, { lazy, maxHeight, cls: "picture bar-picture" });
  if (pic) {
    Object.assign(pic.style, { display: "inline-block", verticalAlign: "middle", marginInlineEnd: ".5em" });
    text.insertBefore(pic, text.firstChild);
  }
  return text;
}
