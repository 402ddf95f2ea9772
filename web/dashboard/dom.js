// Building the page: elements from tag names, attributes and children. Children that are strings become text
// nodes, so nothing from the workspace (log lines, metadata values, app names) is ever parsed as HTML.
const SVG = 'http://www.w3.org/2000/svg';

function build(element, attributes, children) {
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** An HTML element: el('a', { href }, 'text', otherElement). */
export const el = (tag, attributes, ...children) => build(document.createElement(tag), attributes, children);

/** An SVG element (for the stats chart). */
export const svg = (tag, attributes, ...children) => build(document.createElementNS(SVG, tag), attributes, children);

/** Replaces every child of element with children. */
export function fill(element, ...children) {
  element.replaceChildren();
  return build(element, {}, children);
}
