// The smart select dialog: random (seeded), ordered by a field or metric, cluster-based (equal or
// proportional), diverse (k-center greedy), optionally excluding near-duplicates; the server picks
// the rows and saves them as a selection.

import { api } from './api.js';
import { h, $, toast } from './dom.js';
import { state, emit } from './state.js';

export function initSmartSelect() {
  const dialog = $('#smart-dialog');
  const form = $('#smart-form');
  form.addEventListener('change', updateVisibility);
  form.addEventListener('submit', async (event) => {
    if (event.submitter && event.submitter.value === 'cancel') return;
    event.preventDefault();
    await submit(form, dialog);
  });
}

export function openSmartSelect() {
  const form = $('#smart-form');
  const orderBy = form.elements.orderBy;
  orderBy.replaceChildren(
    ...state.metrics.map((m) => h('option', { value: `metric:${m.name}` }, `metric ${m.name}`)),
    ...state.numericFields.map((f) => h('option', { value: `metadata:${f}` }, f)));
  $('#smart-error').textContent = '';
  updateVisibility();
  $('#smart-dialog').showModal();
}

function updateVisibility() {
  const form = $('#smart-form');
  const strategy = form.elements.strategy.value;
  for (const label of form.querySelectorAll('[data-for]')) label.hidden = label.dataset.for !== strategy;
  form.elements.duplicateScore.disabled = !form.elements.excludeDuplicates.checked;
}

async function submit(form, dialog) {
  const values = form.elements;
  const strategy = values.strategy.value;
  const body = {
    name: values.name.value.trim(),
    strategy,
    count: Number(values.count.value),
    seed: Number(values.seed.value),
    space: state.space ? state.space.id : undefined,
    filter: values.scope.value === 'filter' ? state.galleryFilter : undefined,
  };
  if (strategy === 'ordered') {
    if (!values.orderBy.value) { $('#smart-error').textContent = 'This dataset has no metadata field or metric to order by.'; return; }
    body.order_by = values.orderBy.value;
    body.descending = values.direction.value === 'desc';
  }
  if (strategy === 'cluster') body.per_cluster = values.perCluster.value;
  if (values.excludeDuplicates.checked) body.duplicate_score = Number(values.duplicateScore.value);
  const button = $('#smart-submit');
  button.disabled = true;
  $('#smart-error').textContent = 'Selecting…';
  $('#smart-error').classList.add('pending');
  try {
    const result = await api.smartSelect(state.dataset.id, body);
    dialog.close();
    toast(`Saved “${result.selection.name}”: ${result.selection.row_ids.length} rows` +
      (result.duplicates_skipped ? `, ${result.duplicates_skipped} near-duplicates skipped` : ''));
    emit('collections');
    location.hash = '#/selections';
  } catch (error) {
    $('#smart-error').textContent = error.message;
  } finally {
    $('#smart-error').classList.remove('pending');
    button.disabled = false;
  }
}
