// Small DOM helpers: an element builder and a status toast.

/**
 * Builds an element: h('button', {type: 'button', onclick}, 'Text', child...).
 * Attributes starting with "on" become listeners; `dataset` and `style` objects are merged;
 * false/null/undefined attributes and children are skipped.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value);
    else if (key === 'dataset' || key === 'style') Object.assign(element[key], value);
    else if (key === 'className') element.className = value;
    else if (value === true) element.setAttribute(key, '');
    else element.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export const $ = (selector, root = document) => root.querySelector(selector);

/** Replaces `parent`'s children, skipping null/false ones (DOM's replaceChildren would write "null"). */
export function fill(parent, ...children) {
  parent.replaceChildren(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
}

let toastTimer = 0;
/** Shows a short message at the bottom of the window; errors stay longer and are styled. */
export function toast(message, { error = false } = {}) {
  const box = $('#toast');
  box.textContent = message;
  box.classList.toggle('error', error);
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, error ? 8000 : 3500);
}

/** Shows an API or other error with its reason. */
export function showError(error, what) {
  const reason = error && error.message ? error.message : String(error);
  toast(what ? `${what}: ${reason}` : reason, { error: true });
  console.error(what || 'error', error);
}

/** Formats a metadata or metric value for a card or the detail panel. */
export function formatValue(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toPrecision(4);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
