// The element builder every Caja page uses, and colour ink: a leaf module (it imports nothing), so
// any module may import it without an import circle (the hashed static storage cannot rewrite a
// circle's imports: caja/tests/test_deploy_checks.py).

/** Build an element. Strings become text nodes; props: class, text, attrs, on, hidden, ... */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") {
      el.textContent = String(value);
      // Text decides its own direction: a right-to-left nickname or answer displays right to left.
      if (!el.hasAttribute("dir")) el.dir = "auto";
    } else if (key === "on") for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
    else if (key === "attrs")
      for (const [a, v] of Object.entries(value)) {
        if (v !== null && v !== undefined && v !== false) el.setAttribute(a, String(v));
      }
    else if (key === "style")
      for (const [prop, v] of Object.entries(value)) {
        if (prop.startsWith("--")) el.style.setProperty(prop, v);
        else el.style[prop] = v;
      }
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key in el) el[key] = value;
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function replace(el, ...children) {
  clear(el);
  append(el, children);
  return el;
}

/** Black or white, whichever reads better on `hex` (#rrggbb): WCAG relative luminance. */
export function inkOn(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) ? "#000000" : "#ffffff";
}
