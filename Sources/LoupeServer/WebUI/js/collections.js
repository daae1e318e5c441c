// The selections screen: saved selections and slices of the dataset, opened in the gallery,
// exported as NDJSON, or deleted.

import { api, exportURL } from './api.js';
import { h, $, showError, toast } from './dom.js';
import { state, on, emit } from './state.js';
import { showSelection } from './gallery.js';

export function initCollections() {
  on('collections', render);
  on('dataset', render);
}

function fileName(name) {
  return (name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'rows') + '.ndjson';
}

export async function render() {
  if (!state.dataset) return;
  const dataset = state.dataset.id;
  let selections = [], slices = [];
  try {
    [selections, slices] = await Promise.all([api.selections(dataset), api.slices(dataset)]);
  } catch (error) {
    showError(error, 'Loading selections');
  }
  const empty = (columns, text) => h('tr', {}, h('td', { colspan: columns, className: 'muted' }, text));
  $('#selections-table tbody').replaceChildren(...(selections.length ? selections.map((selection) => h('tr', { dataset: { id: selection.id } },
    h('td', {}, selection.name),
    h('td', {}, selection.row_ids.length.toLocaleString()),
    h('td', {}, new Date(selection.created_at).toLocaleString()),
    h('td', { className: 'actions' },
      h('button', { type: 'button', onclick: () => showSelection(selection.id) }, 'Open in gallery'),
      h('a', { href: exportURL(dataset, { selection_id: selection.id }), download: fileName(selection.name), className: 'export' }, 'Export NDJSON'),
      h('button', {
        type: 'button', 'aria-label': `Delete selection ${selection.name}`,
        onclick: () => remove(() => api.deleteSelection(dataset, selection.id), selection.name),
      }, 'Delete')))) : [empty(4, 'No selections yet: mark rows, lasso on the map, or use Smart select.')]));
  $('#slices-table tbody').replaceChildren(...(slices.length ? slices.map((slice) => h('tr', { dataset: { id: slice.id } },
    h('td', {}, slice.name),
    h('td', {}, new Date(slice.created_at).toLocaleString()),
    h('td', {}, h('code', {}, JSON.stringify(slice.filter))),
    h('td', { className: 'actions' },
      h('a', { href: exportURL(dataset, slice.filter), download: fileName(slice.name), className: 'export' }, 'Export NDJSON'),
      h('button', {
        type: 'button', 'aria-label': `Delete slice ${slice.name}`,
        onclick: () => remove(() => api.deleteSlice(dataset, slice.id), slice.name),
      }, 'Delete')))) : [empty(4, 'No slices yet: filter the gallery and choose “Save as slice”.')]));
}

async function remove(action, name) {
  if (!confirm(`Delete “${name}”?`)) return;
  try {
    await action();
    toast(`Deleted “${name}”`);
    emit('collections');
  } catch (error) {
    showError(error, `Deleting “${name}”`);
  }
}
