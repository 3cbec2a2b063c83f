// Small DOM helpers: every text from the API goes through textContent, never innerHTML.

/**
 * Create an element: h("p", {class: "fr-text"}, "texte", child, …).
 * Attributes set to null, undefined or false are left out; `true` sets an empty attribute.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace the children of `element`. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** Text read by screen readers only (DSFR's fr-sr-only). */
export function srOnly(text) {
  return h("span", { class: "fr-sr-only" }, text);
}

/** A decorative DSFR icon (hidden from assistive technologies). */
export function icon(name) {
  return h("span", { class: `fr-icon-${name} fr-icon--sm widget-icon`, "aria-hidden": "true" });
}

let counter = 0;

/** A unique id for aria-* links between elements. */
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}
