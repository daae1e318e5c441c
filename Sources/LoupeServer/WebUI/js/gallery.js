// The gallery screen: the dataset, a slice or a selection as a virtualised grid, filtered and
// sorted by labels, metadata and metrics, with the fields shown on each card chosen by the user.

import { api } from './api.js';
import { h, $, fill, showError, toast } from './dom.js';
import { state, on, emit } from './state.js';
import { Grid, RowCursorSource } from './grid.js';
import { openDetail } from './detail.js';

let grid;
let cardFields = [];
let slices = [];
let selections = [];

export function initGallery() {
  grid = new Grid($('#gallery-grid'), { onOpen: openDetail, fields: () => cardFields, label: 'Rows' });
  const form = $('#gallery-filters');
  form.addEventListener('submit', (event) => { event.preventDefault(); load(); });
  form.elements.source.addEventListener('change', () => load());
  $('#save-slice').addEventListener('click', saveSlice);
  $('#gallery-similar').addEventListener('click', () => emit('find-similar'));
  $('#gallery-select').addEventListener('click', saveMarked);
  $('#gallery-smart').addEventListener('click', () => emit('smart-select'));
  on('marks', updateMarked);
  on('dataset', resetControls);
  on('collections', refreshSources);
}

/** Opens the gallery on a saved selection (from the selections screen or the map). */
export function showSelection(id) {
  const source = $('#gallery-filters').elements.source;
  source.value = `selection:${id}`;
  location.hash = '#/gallery';
  load();
}

function updateMarked() {
  const count = state.marked.size + state.negative.size;
  $('#gallery-marked').textContent = count ? `${state.marked.size} marked, ${state.negative.size} negative` : '';
  $('#gallery-similar').disabled = state.marked.size === 0 || !state.space;
  $('#gallery-select').disabled = state.marked.size === 0;
}

async function refreshSources() {
  if (!state.dataset) return;
  const select = $('#gallery-filters').elements.source;
  const previous = select.value;
  try {
    [slices, selections] = await Promise.all([api.slices(state.dataset.id), api.selections(state.dataset.id)]);
  } catch (error) {
    showError(error, 'Loading slices and selections');
  }
  fill(select,
    h('option', { value: '' }, 'whole dataset'),
    slices.length ? h('optgroup', { label: 'Slices' }, slices.map((s) => h('option', { value: `slice:${s.id}` }, s.name))) : null,
    selections.length ? h('optgroup', { label: 'Selections' }, selections.map((s) => h('option', { value: `selection:${s.id}` }, `${s.name} (${s.row_ids.length})`))) : null,
  );
  select.value = [...select.options].some((option) => option.value === previous) ? previous : '';
}

/** Fills the filter controls from the dataset's labels, fields and metrics, then loads. */
async function resetControls() {
  const form = $('#gallery-filters');
  const option = (value, text = value) => h('option', { value }, text);
  const classes = [...new Set(state.labels.map((l) => l.class_name))];
  const counts = Object.fromEntries(classes.map((name) => [name, state.labels.filter((l) => l.class_name === name).reduce((n, l) => n + l.rows, 0)]));
  form.elements.label.replaceChildren(option('', 'any'), ...classes.map((name) => option(name, `${name} (${counts[name]})`)));
  form.elements.field.replaceChildren(option('', '—'), ...state.fields.map((f) => option(f)));
  form.elements.metric.replaceChildren(option('', '—'), ...state.metrics.map((m) => option(m.name)));
  form.elements.sort.replaceChildren(option('', 'insertion order'), ...state.metrics.map((m) => option(m.name, `metric ${m.name}`)));
  const chooser = $('#card-fields');
  chooser.replaceChildren(h('legend', { className: 'visually-hidden' }, 'Fields shown on each card'),
    ...[...state.fields.map((f) => `metadata:${f}`), ...state.metrics.map((m) => `metric:${m.name}`)].map((key) =>
      h('label', {}, h('input', {
        type: 'checkbox', value: key, checked: cardFields.includes(key),
        onchange: (event) => {
          cardFields = event.target.checked ? [...cardFields, key] : cardFields.filter((k) => k !== key);
          grid.refresh();
        },
      }), ' ', key.split(':')[1])));
  if (!chooser.querySelector('input')) chooser.append(h('p', { className: 'muted' }, 'No metadata or metrics'));
  cardFields = cardFields.filter((key) => chooser.querySelector(`input[value="${CSS.escape(key)}"]`));
  await refreshSources();
  await load();
}

/** The row filter the controls describe (the API's snake_case form). */
function currentFilter() {
  const form = $('#gallery-filters').elements;
  let filter = {};
  const source = form.source.value;
  if (source.startsWith('slice:')) {
    const slice = slices.find((s) => `slice:${s.id}` === source);
    if (slice) filter = structuredClone(slice.filter);
  } else if (source.startsWith('selection:')) {
    filter.selection_id = source.slice('selection:'.length);
  }
  if (form.label.value) filter.labels = [...(filter.labels || []), { any_of: [form.label.value] }];
  if (form.field.value && form.fieldValue.value !== '') {
    const raw = form.fieldValue.value;
    const number = Number(raw);
    const value = raw.trim() !== '' && !Number.isNaN(number) ? number : raw;
    filter.metadata = [...(filter.metadata || []), { field: form.field.value, test: { type: 'equals', value } }];
  }
  if (form.metric.value && (form.metricMin.value !== '' || form.metricMax.value !== '')) {
    const range = { name: form.metric.value };
    if (form.metricMin.value !== '') range.minimum = Number(form.metricMin.value);
    if (form.metricMax.value !== '') range.maximum = Number(form.metricMax.value);
    filter.metrics = [...(filter.metrics || []), range];
  }
  return filter;
}

/** Loads the grid for the current controls; resolves after the first screen of thumbnails. */
export async function load() {
  if (!state.dataset) return;
  const form = $('#gallery-filters').elements;
  const filter = currentFilter();
  state.galleryFilter = filter;
  const sort = form.sort.value ? (form.order.value === 'desc' ? '-' : '') + form.sort.value : undefined;
  const dataset = state.dataset.id;
  $('#gallery-summary').textContent = 'Loading…';
  // Rows carry no metrics; a page's are read from the export when the dataset has any.
  const decorate = async (rows) => {
    if (!state.metrics.length || !rows.length) return;
    const byID = await api.rowMetrics(dataset, rows.map((row) => row.id));
    for (const row of rows) row.metrics = byID.get(row.id) || {};
  };
  try {
    const source = await RowCursorSource.open((cursor, limit) => api.rows(dataset, { filter, cursor, limit, sort }), decorate);
    $('#gallery-summary').textContent = `${source.total.toLocaleString()} rows`;
    const painted = grid.setSource(source);
    const images = await painted;
    if (!performance.getEntriesByName('loupe:gallery-first-paint').length) {
      performance.mark('loupe:gallery-first-paint', { detail: { images } });
    }
  } catch (error) {
    $('#gallery-summary').textContent = `Could not load rows: ${error.message}`;
    grid.setSource({ total: 0, get: () => undefined, ensure: () => Promise.resolve() });
    showError(error, 'Loading rows');
  }
}

async function saveSlice() {
  const filter = currentFilter();
  delete filter.selection_id;
  const name = prompt('Name of the new slice', 'my slice');
  if (!name) return;
  try {
    const slice = await api.createSlice(state.dataset.id, name, filter);
    toast(`Saved slice “${slice.name}”`);
    emit('collections');
  } catch (error) {
    showError(error, 'Saving the slice');
  }
}

async function saveMarked() {
  const name = prompt('Name of the new selection', `${state.marked.size} marked rows`);
  if (!name) return;
  try {
    const selection = await api.createSelection(state.dataset.id, name, [...state.marked]);
    toast(`Saved selection “${selection.name}” (${selection.row_ids.length} rows)`);
    emit('collections');
  } catch (error) {
    showError(error, 'Saving the selection');
  }
}
