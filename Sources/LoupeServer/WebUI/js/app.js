// Loupe's web UI: boots the screens, keeps the dataset and space pickers, and routes between the
// screens by the URL's hash (#/gallery, #/search, #/map, #/selections, #/jobs).

import { api } from './api.js';
import { h, $, showError } from './dom.js';
import { state, on, emit } from './state.js';
import { initDetail } from './detail.js';
import { initGallery, load as loadGallery } from './gallery.js';
import { initSearch, findSimilar } from './search.js';
import { initMap, showMap, mapHooks } from './map.js';
import { initCollections, render as renderCollections } from './collections.js';
import { initJobs, setJobsVisible } from './jobs.js';
import { initSmartSelect, openSmartSelect } from './smart-select.js';
import { initAuth, ensureSignedIn } from './auth.js';

const SCREENS = ['gallery', 'search', 'map', 'selections', 'jobs'];

function route() {
  const name = (location.hash.match(/^#\/(\w+)/) || [])[1];
  const screen = SCREENS.includes(name) ? name : 'gallery';
  for (const other of SCREENS) $(`#screen-${other}`).hidden = other !== screen;
  for (const link of document.querySelectorAll('.tabs a')) {
    if (link.dataset.screen === screen) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  document.title = `Loupe — ${screen[0].toUpperCase()}${screen.slice(1)}`;
  setJobsVisible(screen === 'jobs');
  if (screen === 'map' && state.dataset) showMap();
  if (screen === 'selections') renderCollections();
}

async function chooseDataset(id) {
  const dataset = state.datasets.find((d) => d.id === id) || state.datasets[0];
  state.dataset = dataset || null;
  state.marked.clear();
  state.negative.clear();
  if (!dataset) {
    $('#dataset-count').textContent = 'No datasets yet: import one with `loupe import`.';
    return;
  }
  localStorage.setItem('loupe.dataset', dataset.id);
  $('#dataset-count').textContent = `${dataset.row_count.toLocaleString()} rows`;
  state.fields = dataset.fields.map((field) => field.name).sort();
  state.numericFields = dataset.fields.filter((field) => field.type === 'number').map((field) => field.name).sort();
  try {
    const [spaces, labels, metrics] = await Promise.all([api.spaces(dataset.id), api.labels(dataset.id), api.metrics(dataset.id)]);
    state.spaces = spaces;
    state.labels = labels;
    state.metrics = metrics;
  } catch (error) {
    showError(error, `Loading dataset ${dataset.name}`);
    state.spaces = [];
  }
  const picker = $('#space-picker');
  picker.replaceChildren(...state.spaces.map((space) => h('option', { value: space.id }, `${space.name} (${space.dimensions}-d, ${space.metric})`)));
  picker.disabled = state.spaces.length === 0;
  const saved = localStorage.getItem(`loupe.space.${dataset.id}`);
  state.space = state.spaces.find((s) => s.id === saved) || state.spaces[0] || null;
  if (state.space) picker.value = state.space.id;
  emit('dataset');
  emit('marks');
  route();
}

async function boot() {
  initDetail();
  initGallery();
  initSearch();
  initMap();
  initCollections();
  initSmartSelect();
  on('find-similar', findSimilar);
  on('smart-select', openSmartSelect);
  $('#selections-smart').addEventListener('click', openSmartSelect);
  $('#dataset-picker').addEventListener('change', (event) => chooseDataset(event.target.value));
  $('#space-picker').addEventListener('change', (event) => {
    state.space = state.spaces.find((s) => s.id === event.target.value) || null;
    if (state.space) localStorage.setItem(`loupe.space.${state.dataset.id}`, state.space.id);
    emit('space');
    route();
  });
  window.addEventListener('hashchange', route);
  document.addEventListener('keydown', (event) => {
    // Alt+1…5 switch screens from anywhere.
    if (event.altKey && /^[1-5]$/.test(event.key)) {
      location.hash = `#/${SCREENS[Number(event.key) - 1]}`;
      event.preventDefault();
    }
  });
  initAuth();
  await ensureSignedIn();
  initJobs();  // its poller starts once requests can succeed: no 401 before the first key
  try {
    state.datasets = await api.datasets();
  } catch (error) {
    showError(error, 'Loading datasets');
    state.datasets = [];
  }
  const picker = $('#dataset-picker');
  picker.replaceChildren(...state.datasets.map((d) => h('option', { value: d.id }, d.name)));
  const wanted = new URLSearchParams(location.search).get('dataset') || localStorage.getItem('loupe.dataset');
  const initial = state.datasets.find((d) => d.id === wanted || d.name === wanted) || state.datasets[0];
  if (initial) picker.value = initial.id;
  route();
  await chooseDataset(initial ? initial.id : null);
  document.body.dataset.ready = 'true';
}

// Hooks for the browser tests and for measuring (see scripts/ui_test.py).
window.loupe = { state, map: mapHooks, reloadGallery: loadGallery };

boot();
