// The search screen: natural-language search, find-similar from marked rows (positive and
// negative anchors), search by an uploaded image, and a threshold slider shown both as the
// percentile of the collection it keeps and as the score that percentile stands for.

import { api } from './api.js';
import { h, $, showError } from './dom.js';
import { state, on, toggleMarked, toggleNegative } from './state.js';
import { Grid, HitSource } from './grid.js';
import { openDetail } from './detail.js';

let grid;
let lastQuery = null; // {kind: 'json', body} | {kind: 'image', file}

export function initSearch() {
  grid = new Grid($('#search-grid'), { onOpen: openDetail, fields: () => [], label: 'Search results' });
  $('#search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('#search-text').value.trim();
    if (text) run({ kind: 'json', body: { text } });
  });
  $('#search-image').addEventListener('change', (event) => {
    const file = event.target.files[0];
    if (file) run({ kind: 'image', file });
  });
  const slider = $('#search-threshold');
  slider.addEventListener('input', () => describeThreshold(null));
  slider.addEventListener('change', () => { if (lastQuery) run(lastQuery); });
  $('#search-k').addEventListener('change', () => { if (lastQuery) run(lastQuery); });
  on('marks', renderAnchors);
  on('dataset', () => { lastQuery = null; grid.setSource(new HitSource([])); $('#search-status').textContent = ''; renderAnchors(); });
  renderAnchors();
}

/** Searches like the marked rows and away from the negative ones. */
export function findSimilar() {
  if (!state.marked.size) return;
  location.hash = '#/search';
  run({ kind: 'json', body: { positive: [...state.marked], negative: state.negative.size ? [...state.negative] : undefined } });
}

function renderAnchors() {
  const chips = [];
  for (const id of state.marked) {
    chips.push(h('span', { className: 'anchor positive' }, `+ ${id}`,
      h('button', { type: 'button', 'aria-label': `Remove positive anchor ${id}`, onclick: () => toggleMarked(id, false) }, '✕')));
  }
  for (const id of state.negative) {
    chips.push(h('span', { className: 'anchor negative' }, `− ${id}`,
      h('button', { type: 'button', 'aria-label': `Remove negative anchor ${id}`, onclick: () => toggleNegative(id, false) }, '✕')));
  }
  const box = $('#anchors');
  box.replaceChildren(...chips);
  if (chips.length) {
    box.append(h('button', { type: 'button', className: 'primary', onclick: findSimilar, disabled: !state.marked.size }, 'Find similar'));
  } else {
    box.append(h('span', { className: 'muted' }, 'Mark rows (Space) as anchors, N for negative ones'));
  }
}

function thresholdPercentile() {
  const value = Number($('#search-threshold').value);
  return value > 0 ? value : undefined;
}

/** The slider's readout: the percentile, the share of rows it keeps, and (after a search) its score. */
function describeThreshold(score) {
  const percentile = thresholdPercentile();
  const readout = $('#threshold-readout');
  if (percentile === undefined) {
    readout.textContent = 'no threshold';
    return;
  }
  const kept = (100 - percentile).toFixed(percentile > 99 ? 2 : 1);
  readout.textContent = `≥ ${percentile}th percentile — keeps the top ${kept}% of rows` +
    (score !== null && score !== undefined ? ` — score ≥ ${score.toFixed(3)}` : '');
}

async function run(query) {
  if (!state.space) {
    $('#search-status').textContent = 'This dataset has no embedding space to search.';
    return;
  }
  lastQuery = query;
  const k = Math.max(1, Math.min(1000, Number($('#search-k').value) || 60));
  const percentile = thresholdPercentile();
  const status = $('#search-status');
  status.textContent = 'Searching…';
  const started = performance.now();
  try {
    const dataset = state.dataset.id;
    const result = query.kind === 'image'
      ? await api.searchImage(dataset, state.space.id, query.file, { k, percentile })
      : await api.search(dataset, state.space.id, { ...query.body, k, percentile });
    const elapsed = performance.now() - started;
    const what = query.kind === 'image' ? `image ${query.file.name}`
      : query.body.text ? `“${query.body.text}”` : `${query.body.positive.length} positive, ${(query.body.negative || []).length} negative anchors`;
    status.replaceChildren(
      h('span', {}, `${result.hits.length} results for ${what}`),
      h('span', {}, `${result.is_exact ? 'exact' : 'approximate'}, ${result.candidates_scored.toLocaleString()} candidates scored`),
      h('span', {}, `${elapsed.toFixed(0)} ms`));
    describeThreshold(result.score_threshold);
    document.body.dataset.searchDone = String(Date.now());
    await grid.setSource(new HitSource(result.hits));
  } catch (error) {
    status.replaceChildren(h('span', { className: 'error' }, `Search failed: ${error.message}`));
    showError(error, 'Search');
  }
}
