// The cluster map screen: the space's 2-D projection on a canvas with pan and zoom, colour by
// cluster, label or metric, hover thumbnails, and box and lasso selections answered by the
// server's R-tree. Clicking a point (or a legend entry) shows its cluster's summary.

import { api, thumbnailURL } from './api.js';
import { h, $, fill, showError, toast, formatValue } from './dom.js';
import { state, on, emit, toggleMarked } from './state.js';
import { PointRenderer, PointGrid, colourPoints } from './map-render.js';
import { openDetail } from './detail.js';
import { showSelection } from './gallery.js';

const map = {
  data: null,       // the server's map: {ids, x, y, bounds, colour, clusters, method}
  xs: null, ys: null, indexOfID: null,
  colours: null, legend: [],
  view: { scale: 1, tx: 0, ty: 0 },
  selected: null,   // Uint8Array by point, or null
  selectedIDs: [],
  lastRegion: null, // the region sent to the server for the current selection
  tool: 'pan',
  drag: null,       // {kind, startX, startY, points: [...]} while the pointer is down
  hover: -1,
  frameTimes: [],
  loadedSpace: null,
  computedFor: new Set(), // spaces whose map this page asked the server to compute
};

let renderer, grid, canvas, frameRequested = 0;

export function initMap() {
  canvas = $('#map-canvas');
  renderer = new PointRenderer(canvas);
  new ResizeObserver(() => requestDraw()).observe(canvas);
  for (const radio of document.querySelectorAll('input[name=map-tool]')) {
    radio.addEventListener('change', () => setTool(radio.value));
  }
  setTool('pan');
  $('#map-colour').addEventListener('change', () => load(true));
  $('#map-zoom-in').addEventListener('click', () => zoomAt(canvas.clientWidth / 2, canvas.clientHeight / 2, 1.5));
  $('#map-zoom-out').addEventListener('click', () => zoomAt(canvas.clientWidth / 2, canvas.clientHeight / 2, 1 / 1.5));
  $('#map-reset').addEventListener('click', () => { fit(); requestDraw(); });
  $('#map-compute').addEventListener('click', recompute);
  canvas.addEventListener('pointerdown', pointerDown);
  canvas.addEventListener('pointermove', pointerMove);
  canvas.addEventListener('pointerup', pointerUp);
  canvas.addEventListener('pointerleave', () => setHover(-1));
  canvas.addEventListener('wheel', (event) => {
    event.preventDefault();
    zoomAt(event.offsetX, event.offsetY, Math.exp(-event.deltaY * 0.0015));
  }, { passive: false });
  canvas.addEventListener('keydown', keydown);
  on('dataset', () => { map.loadedSpace = null; });
}

/** Loads the map of the current space when the screen is shown (or `force` reloads it). */
export async function showMap(force = false) {
  if (!state.space) {
    $('#map-status').textContent = 'This dataset has no embedding space.';
    return;
  }
  if (force || map.loadedSpace !== state.space.id) await load(true);
  else requestDraw();
}

async function load(refit) {
  const status = $('#map-status');
  fillColourChoices();
  status.textContent = 'Loading the map…';
  try {
    const data = await api.map(state.dataset.id, state.space.id, $('#map-colour').value);
    map.data = data;
    map.xs = Float32Array.from(data.x);
    map.ys = Float32Array.from(data.y);
    map.indexOfID = new Map(data.ids.map((id, index) => [id, index]));
    const { colours, legend } = colourPoints(data.colour, data.ids.length);
    map.colours = colours;
    map.legend = legend;
    const b = data.bounds;
    grid = new PointGrid(map.xs, map.ys, { minX: b.min_x, minY: b.min_y, maxX: b.max_x, maxY: b.max_y });
    map.selected = null;
    map.selectedIDs = [];
    map.loadedSpace = state.space.id;
    status.textContent = `${data.ids.length.toLocaleString()} points, ${data.method} projection`;
    renderLegend();
    renderSelection();
    if (refit) fit();
    requestDraw();
  } catch (error) {
    map.data = null;
    renderer.resize(1, 1);
    if (error.code === 'not_found' && !map.computedFor.has(state.space.id)) {
      // No map for this space yet: make one (once per space and page).
      map.computedFor.add(state.space.id);
      await recompute();
      return;
    }
    status.textContent = `Could not load the map: ${error.message}`;
    showError(error, 'Loading the map');
  }
}

function fillColourChoices() {
  const select = $('#map-colour');
  const current = select.value;
  select.replaceChildren(h('option', { value: 'cluster' }, 'cluster'), h('option', { value: 'label' }, 'label'),
    ...state.metrics.map((m) => h('option', { value: `metric:${m.name}` }, `metric ${m.name}`)));
  select.value = [...select.options].some((o) => o.value === current) ? current : 'cluster';
}

async function recompute() {
  const status = $('#map-status');
  status.textContent = 'Computing the projection and clusters…';
  try {
    await api.computeMap(state.dataset.id, state.space.id, {});
    await load(true);
  } catch (error) {
    status.textContent = `Projection failed: ${error.message}`;
    showError(error, 'Computing the projection');
  }
}

// MARK: View

function setTool(tool) {
  map.tool = tool;
  for (const radio of document.querySelectorAll('input[name=map-tool]')) radio.checked = radio.value === tool;
  canvas.className = `tool-${tool}`;
}

function fit() {
  if (!map.data) return;
  const { min_x: minX, min_y: minY, max_x: maxX, max_y: maxY } = map.data.bounds;
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth * ratio, height = canvas.clientHeight * ratio;
  const scale = 0.92 * Math.min(width / ((maxX - minX) || 1), height / ((maxY - minY) || 1));
  map.view = { scale, tx: width / 2 - scale * (minX + maxX) / 2, ty: height / 2 + scale * (minY + maxY) / 2 };
}

/** Canvas CSS pixels → data coordinates. */
function toData(cssX, cssY) {
  const ratio = window.devicePixelRatio || 1;
  const { scale, tx, ty } = map.view;
  return [(cssX * ratio - tx) / scale, (ty - cssY * ratio) / scale];
}

/** Data coordinates → canvas CSS pixels. */
function toCSS(x, y) {
  const ratio = window.devicePixelRatio || 1;
  const { scale, tx, ty } = map.view;
  return [(x * scale + tx) / ratio, (ty - y * scale) / ratio];
}

function zoomAt(cssX, cssY, factor) {
  const ratio = window.devicePixelRatio || 1;
  const px = cssX * ratio, py = cssY * ratio;
  const view = map.view;
  const scale = Math.max(1e-6, view.scale * factor);
  map.view = { scale, tx: px - (px - view.tx) * (scale / view.scale), ty: py - (py - view.ty) * (scale / view.scale) };
  requestDraw();
}

function panBy(dx, dy) {
  const ratio = window.devicePixelRatio || 1;
  map.view = { ...map.view, tx: map.view.tx + dx * ratio, ty: map.view.ty + dy * ratio };
  requestDraw();
}

function requestDraw() {
  if (frameRequested) return;
  frameRequested = requestAnimationFrame(() => { frameRequested = 0; draw(); });
}

/** Draws one frame; returns the milliseconds it took. */
function draw() {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth * ratio)), height = Math.max(1, Math.round(canvas.clientHeight * ratio));
  if (!map.data || canvas.clientWidth === 0) return 0;
  const started = performance.now();
  renderer.resize(width, height);
  renderer.draw(map.xs, map.ys, map.colours, map.view, map.selected, ratio);
  drawOverlay(ratio);
  return performance.now() - started;
}

function drawOverlay(ratio) {
  const context = renderer.context;
  context.save();
  context.lineWidth = 2 * ratio;
  context.strokeStyle = '#fbbf24';
  context.fillStyle = 'rgba(251, 191, 36, 0.12)';
  const drag = map.drag;
  if (drag && drag.kind === 'box') {
    context.strokeRect(drag.startX * ratio, drag.startY * ratio, (drag.x - drag.startX) * ratio, (drag.y - drag.startY) * ratio);
  } else if (drag && drag.kind === 'lasso' && drag.points.length > 1) {
    context.beginPath();
    drag.points.forEach(([x, y], i) => (i ? context.lineTo(x * ratio, y * ratio) : context.moveTo(x * ratio, y * ratio)));
    context.closePath();
    context.fill();
    context.stroke();
  }
  if (map.hover >= 0) {
    const [x, y] = toCSS(map.xs[map.hover], map.ys[map.hover]);
    context.beginPath();
    context.arc(x * ratio, y * ratio, 6 * ratio, 0, Math.PI * 2);
    context.strokeStyle = '#ffffff';
    context.stroke();
  }
  context.restore();
}

// MARK: Pointer and keyboard

function pointerDown(event) {
  if (!map.data || event.button !== 0) return;
  canvas.setPointerCapture(event.pointerId);
  const x = event.offsetX, y = event.offsetY;
  map.drag = { kind: map.tool, startX: x, startY: y, x, y, moved: false, points: [[x, y]], view: { ...map.view } };
}

function pointerMove(event) {
  const x = event.offsetX, y = event.offsetY;
  const drag = map.drag;
  if (!drag) {
    if (!map.data) return;
    const ratio = window.devicePixelRatio || 1;
    const [dx, dy] = toData(x, y);
    setHover(grid.nearest(dx, dy, (8 * ratio) / map.view.scale), x, y);
    return;
  }
  if (Math.abs(x - drag.startX) + Math.abs(y - drag.startY) > 3) drag.moved = true;
  drag.x = x;
  drag.y = y;
  if (drag.kind === 'pan') {
    const ratio = window.devicePixelRatio || 1;
    map.view = { ...drag.view, tx: drag.view.tx + (x - drag.startX) * ratio, ty: drag.view.ty + (y - drag.startY) * ratio };
  } else if (drag.kind === 'lasso') {
    const [lx, ly] = drag.points[drag.points.length - 1];
    if (Math.hypot(x - lx, y - ly) >= 3) drag.points.push([x, y]);
  }
  requestDraw();
}

function pointerUp(event) {
  const drag = map.drag;
  map.drag = null;
  if (!drag) return;
  if (!drag.moved) {
    const [dx, dy] = toData(event.offsetX, event.offsetY);
    const ratio = window.devicePixelRatio || 1;
    const index = grid.nearest(dx, dy, (8 * ratio) / map.view.scale);
    if (index >= 0) pointClicked(index);
    requestDraw();
    return;
  }
  if (drag.kind === 'box') {
    const [x0, y0] = toData(drag.startX, drag.startY), [x1, y1] = toData(drag.x, drag.y);
    select({ box: { min_x: Math.min(x0, x1), min_y: Math.min(y0, y1), max_x: Math.max(x0, x1), max_y: Math.max(y0, y1) } });
  } else if (drag.kind === 'lasso' && drag.points.length >= 3) {
    select({ polygon: drag.points.flatMap(([x, y]) => toData(x, y)) });
  }
  requestDraw();
}

function keydown(event) {
  const step = 60;
  const keys = {
    ArrowLeft: () => panBy(step, 0), ArrowRight: () => panBy(-step, 0), ArrowUp: () => panBy(0, step), ArrowDown: () => panBy(0, -step),
    '+': () => zoomAt(canvas.clientWidth / 2, canvas.clientHeight / 2, 1.4), '=': () => zoomAt(canvas.clientWidth / 2, canvas.clientHeight / 2, 1.4),
    '-': () => zoomAt(canvas.clientWidth / 2, canvas.clientHeight / 2, 1 / 1.4), '0': () => { fit(); requestDraw(); },
    p: () => setTool('pan'), b: () => setTool('box'), l: () => setTool('lasso'),
    Escape: () => clearSelection(),
  };
  const action = keys[event.key] || keys[event.key.toLowerCase()];
  if (!action || event.ctrlKey || event.metaKey || event.altKey) return;
  event.preventDefault();
  action();
}

function setHover(index, cssX, cssY) {
  const box = $('#map-hover');
  if (index === map.hover) {
    if (index >= 0) placeHover(box, cssX, cssY);
    return;
  }
  map.hover = index;
  requestDraw();
  if (index < 0) { box.hidden = true; return; }
  const id = map.data.ids[index];
  const category = map.data.colour.kind === 'metric'
    ? formatValue(map.data.colour.values[index])
    : map.data.colour.categories[map.data.colour.values[index]] || '—';
  box.replaceChildren(
    h('img', { alt: '', src: thumbnailURL(state.dataset.id, id, 96), onerror: (event) => event.target.remove() }),
    h('div', {}, id), h('div', { className: 'muted' }, category));
  box.hidden = false;
  placeHover(box, cssX, cssY);
}

function placeHover(box, x, y) {
  const stage = canvas.parentElement;
  box.style.left = `${Math.min(x + 14, stage.clientWidth - 190)}px`;
  box.style.top = `${Math.min(y + 14, stage.clientHeight - 150)}px`;
}

// MARK: Selections and clusters

async function select(region) {
  const status = $('#map-status');
  status.textContent = 'Selecting…';
  try {
    const result = await api.mapSelect(state.dataset.id, state.space.id, region);
    map.lastRegion = region;
    map.selectedIDs = result.ids;
    map.selected = new Uint8Array(map.xs.length);
    for (const id of result.ids) {
      const index = map.indexOfID.get(id);
      if (index !== undefined) map.selected[index] = 1;
    }
    status.textContent = `${result.ids.length.toLocaleString()} points selected`;
    document.body.dataset.mapSelection = String(Date.now());
    renderSelection();
    requestDraw();
  } catch (error) {
    status.textContent = `Selection failed: ${error.message}`;
    showError(error, 'Map selection');
  }
}

function clearSelection() {
  map.selected = null;
  map.selectedIDs = [];
  map.lastRegion = null;
  map.drag = null;
  renderSelection();
  requestDraw();
}

function renderSelection() {
  const box = $('#map-selection');
  const ids = map.selectedIDs;
  if (!ids.length) {
    box.replaceChildren(h('p', { className: 'muted' }, 'Drag with the box or lasso tool to select points.'));
    return;
  }
  box.replaceChildren(
    h('h3', {}, `${ids.length.toLocaleString()} selected`),
    h('div', { className: 'toolbar' },
      h('button', { type: 'button', className: 'primary', onclick: saveSelection }, 'Save as selection'),
      h('button', { type: 'button', onclick: () => { for (const id of ids.slice(0, 20)) toggleMarked(id, true); toast(`Marked ${Math.min(20, ids.length)} rows as anchors`); } }, 'Mark as anchors'),
      h('button', { type: 'button', onclick: clearSelection }, 'Clear')));
}

async function saveSelection() {
  const name = prompt('Name of the new selection', `map selection (${map.selectedIDs.length})`);
  if (!name) return;
  try {
    const selection = await api.createSelection(state.dataset.id, name, map.selectedIDs);
    emit('collections');
    toast(`Saved selection “${selection.name}”`);
    showSelection(selection.id);
  } catch (error) {
    showError(error, 'Saving the selection');
  }
}

function renderLegend() {
  const list = $('#map-legend');
  const colouring = map.data.colour;
  const counts = colouring.kind === 'metric' ? null : new Int32Array(colouring.categories.length);
  if (counts) for (const value of colouring.values) if (value >= 0) counts[value]++;
  list.replaceChildren(...map.legend.map((entry) => {
    const swatch = h('span', { className: 'swatch', style: { background: entry.colour } });
    const text = counts ? `${entry.name} (${counts[entry.key].toLocaleString()})` : entry.name;
    if (colouring.kind !== 'cluster') return h('li', {}, h('span', { className: 'legend-item' }, swatch, ' ', text));
    return h('li', {}, h('button', { type: 'button', onclick: () => showCluster(entry.key) }, swatch, text));
  }));
}

function pointClicked(index) {
  const cluster = map.data.clusters ? map.data.clusters[index] : -1;
  if (cluster >= 0) showCluster(cluster, map.data.ids[index]);
  else api.row(state.dataset.id, map.data.ids[index]).then(openDetail, (error) => showError(error, 'Opening the row'));
}

/** Shows a cluster's summary (size, name, central rows, common labels and metadata). */
async function showCluster(cluster, clickedID) {
  const box = $('#map-selection');
  try {
    const summary = await api.cluster(state.dataset.id, state.space.id, cluster);
    const dataset = state.dataset.id;
    fill(box,
      h('h3', {}, `Cluster ${summary.id}: ${summary.name}`),
      h('p', {}, `${summary.size.toLocaleString()} rows`),
      summary.labels.length ? h('p', {}, 'Labels: ', summary.labels.map((l) => `${l.class} (${l.count})`).join(', ')) : null,
      summary.metadata.length ? h('p', {}, 'Common values: ', summary.metadata.map((m) => `${m.field}=${formatValue(m.value)} (${m.count})`).join(', ')) : null,
      h('p', { className: 'muted' }, 'Most central rows:'),
      h('ul', { className: 'summary-rows' }, summary.central.map((id) => h('li', {},
        h('button', { type: 'button', title: id, onclick: () => api.row(dataset, id).then(openDetail) },
          h('img', { alt: `Row ${id}`, src: thumbnailURL(dataset, id, 96) }))))),
      clickedID ? h('button', { type: 'button', onclick: () => api.row(dataset, clickedID).then(openDetail) }, `Open ${clickedID}`) : null);
  } catch (error) {
    showError(error, 'Cluster summary');
  }
}

// MARK: Measurement and test hooks

/** Pans and zooms for `frames` animation frames; returns the draw time per frame and the
 *  interval between frames, in milliseconds (median and 95th percentile). */
export function benchmark(frames = 120) {
  return new Promise((resolve) => {
    const draws = [], intervals = [];
    let frame = 0, last = 0;
    const centreX = canvas.clientWidth / 2, centreY = canvas.clientHeight / 2;
    const step = (now) => {
      if (last) intervals.push(now - last);
      last = now;
      const phase = frame / frames * Math.PI * 2;
      panBy(Math.cos(phase) * 8, Math.sin(phase) * 8);
      zoomAt(centreX, centreY, frame < frames / 2 ? 1.02 : 1 / 1.02);
      if (frameRequested) { cancelAnimationFrame(frameRequested); frameRequested = 0; }
      draws.push(draw());
      if (++frame < frames) requestAnimationFrame(step);
      else {
        fit();
        requestDraw();
        resolve({ points: map.xs ? map.xs.length : 0, frames, draw: summarise(draws), interval: summarise(intervals) });
      }
    };
    requestAnimationFrame(step);
  });
}

function summarise(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] };
}

/** For the browser tests: where a data point is on screen, and what the last selection was. */
export const mapHooks = {
  toClient: (x, y) => {
    const rect = canvas.getBoundingClientRect();
    const [cx, cy] = toCSS(x, y);
    return [rect.left + cx, rect.top + cy];
  },
  canvasRect: () => { const r = canvas.getBoundingClientRect(); return { left: r.left, top: r.top, width: r.width, height: r.height }; },
  selection: () => ({ ids: map.selectedIDs, region: map.lastRegion }),
  loaded: () => map.data !== null && map.loadedSpace === (state.space && state.space.id),
  benchmark,
};
