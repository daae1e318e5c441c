// What the screens share: the current dataset and space, the rows marked in the gallery or search
// (positive anchors), the rows marked as negative anchors, and change notifications.

const listeners = new Map();

export const state = {
  datasets: [],
  dataset: null,       // APIDataset
  spaces: [],
  space: null,         // APISpace
  labels: [],          // [{class_name, kind, rows}]
  metrics: [],         // [{name, count, minimum, maximum, mean}]
  fields: [],          // the dataset's metadata field names
  numericFields: [],   // … those of type number
  marked: new Set(),   // positive anchors / rows to act on
  negative: new Set(), // negative anchors
  galleryFilter: {},   // the gallery's APIRowFilter, used by smart select's "gallery's filter"
};

/** Calls `listener(detail)` whenever `event` is emitted. */
export function on(event, listener) {
  if (!listeners.has(event)) listeners.set(event, new Set());
  listeners.get(event).add(listener);
}

export function emit(event, detail) {
  for (const listener of listeners.get(event) || []) listener(detail);
}

/** Marks or unmarks a row as a positive anchor (clearing a negative mark). */
export function toggleMarked(id, value = !state.marked.has(id)) {
  state.negative.delete(id);
  if (value) state.marked.add(id); else state.marked.delete(id);
  emit('marks');
}

/** Marks or unmarks a row as a negative anchor (clearing a positive mark). */
export function toggleNegative(id, value = !state.negative.has(id)) {
  state.marked.delete(id);
  if (value) state.negative.add(id); else state.negative.delete(id);
  emit('marks');
}

export function clearMarks() {
  state.marked.clear();
  state.negative.clear();
  emit('marks');
}
