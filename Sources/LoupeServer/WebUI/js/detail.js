// The detail panel for one row: its image or text, metadata, labels, metrics, and its nearest
// neighbours in the current space.

import { api, thumbnailURL } from './api.js';
import { h, $, formatValue, showError } from './dom.js';
import { state, toggleMarked, toggleNegative, emit } from './state.js';

let current = null;
let opener = null;

export function initDetail() {
  $('#detail-close').addEventListener('click', closeDetail);
  $('#detail').addEventListener('keydown', (event) => {
    if (event.key === 'Escape') closeDetail();
  });
}

export function closeDetail() {
  $('#detail').hidden = true;
  current = null;
  if (opener && opener.isConnected) opener.focus();
}

/** Opens the panel for `row` (an APIRow); focus moves into the panel and returns on close. */
export async function openDetail(row) {
  current = row.id;
  opener = document.activeElement;
  const panel = $('#detail');
  panel.hidden = false;
  $('#detail-title').textContent = row.id;
  const body = $('#detail-body');
  const dataset = state.dataset.id;
  const visual = row.media_type === 'image'
    ? h('img', { className: 'large', alt: `Image of row ${row.id}`, src: thumbnailURL(dataset, row.id, 400) })
    : h('div', { className: 'text' }, row.row_data);
  const labelChips = row.labels.length
    ? h('div', { className: 'chips' }, row.labels.map((label) => h('span', { className: 'chip' + (label.kind === 'prediction' ? ' prediction' : '') },
      label.confidence != null ? `${label.class_name} (${label.confidence.toFixed(2)})` : label.class_name)))
    : h('p', { className: 'muted' }, 'No labels');
  const list = (entries) => entries.length
    ? h('dl', {}, entries.flatMap(([key, value]) => [h('dt', {}, key), h('dd', {}, formatValue(value))]))
    : h('p', { className: 'muted' }, 'None');
  const neighbours = h('ul', { className: 'neighbours', 'aria-label': 'Nearest neighbours' }, h('li', { className: 'muted' }, 'Loading…'));
  const metrics = h('div', {}, h('p', { className: 'muted' }, 'Loading…'));
  body.replaceChildren(
    visual,
    h('dl', {},
      h('dt', {}, 'Media'), h('dd', {}, row.media_type),
      row.global_key ? [h('dt', {}, 'Global key'), h('dd', {}, row.global_key)] : [],
      row.media_type === 'image' ? [h('dt', {}, 'Source'), h('dd', {}, row.row_data)] : []),
    h('div', { className: 'toolbar' },
      h('button', { type: 'button', className: 'primary', onclick: () => { state.marked.clear(); state.negative.clear(); toggleMarked(row.id, true); emit('find-similar'); } }, 'Find similar'),
      h('button', { type: 'button', onclick: () => toggleMarked(row.id) }, 'Mark'),
      h('button', { type: 'button', onclick: () => toggleNegative(row.id) }, 'Mark negative')),
    h('h3', {}, 'Labels'), labelChips,
    h('h3', {}, 'Metadata'), list(Object.entries(row.metadata)),
    h('h3', {}, 'Metrics'), metrics,
    h('h3', {}, `Nearest neighbours${state.space ? ' in ' + state.space.name : ''}`), neighbours,
  );
  panel.focus();
  api.rowMetrics(dataset, [row.id]).then((byID) => {
    if (current === row.id) metrics.replaceChildren(list(Object.entries(byID.get(row.id) || {})));
  }, (error) => metrics.replaceChildren(h('p', { className: 'error' }, error.message)));
  if (!state.space) {
    neighbours.replaceChildren(h('li', { className: 'muted' }, 'This dataset has no embedding space.'));
    return;
  }
  try {
    const result = await api.search(dataset, state.space.id, { positive: [row.id], k: 13 });
    if (current !== row.id) return;
    const hits = result.hits.filter((hit) => hit.row_id !== row.id).slice(0, 12);
    neighbours.replaceChildren(...hits.map((hit) => h('li', {},
      h('button', { type: 'button', title: hit.row_id, onclick: () => hit.row ? openDetail(hit.row) : api.row(dataset, hit.row_id).then(openDetail) },
        hit.row && hit.row.media_type === 'text'
          ? h('span', { className: 'snippet' }, hit.row.row_data.slice(0, 80))
          : h('img', { alt: '', src: thumbnailURL(dataset, hit.row_id, 96) }),
        h('span', {}, hit.score.toFixed(3))))));
    if (!hits.length) neighbours.replaceChildren(h('li', { className: 'muted' }, 'No neighbours (no vector for this row?)'));
  } catch (error) {
    neighbours.replaceChildren(h('li', { className: 'error' }, error.message));
    if (error.status >= 500) showError(error, 'Nearest neighbours');
  }
}
