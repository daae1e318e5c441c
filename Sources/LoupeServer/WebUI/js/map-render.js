// Drawing the cluster map: points are splatted straight into an ImageData pixel buffer (a few
// integer writes per point, no path per point), so 100k points draw in a few milliseconds on a
// 2-D canvas. Level of detail: the splat grows from 1 px to a disc of radius 4 as fewer points
// share the screen. A uniform grid over the data answers hover look-ups.

const BACKGROUND = 0xff2a170f; // #0f172a as ABGR (ImageData is RGBA bytes, little-endian words)

/** Categorical colours with good separation on the dark background. */
export const PALETTE = ['#4e9af1', '#f28e2b', '#59d38a', '#ff6b6b', '#b38df0', '#d4a373', '#ff9ed8', '#c7c7c7',
  '#e9e35a', '#38d6d6', '#9cc7ff', '#ffbe7d', '#8cd17d', '#ff9d9a', '#d7b5f5', '#f1ce63', '#86bcb6', '#e15759',
  '#79706e', '#bab0ac'];
const NO_VALUE = '#5b6475';

/** `#rrggbb` → ABGR word for a little-endian Uint32 view of RGBA bytes. */
export function abgr(hex) {
  const value = parseInt(hex.slice(1), 16);
  return (0xff000000 | ((value & 0xff) << 16) | (value & 0xff00) | ((value >> 16) & 0xff)) >>> 0;
}

/** A viridis-like ramp for metric values in [0, 1]. */
export function ramp(t) {
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const position = Math.max(0, Math.min(1, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(position));
  const f = position - i;
  const c = stops[i].map((v, k) => Math.round(v + (stops[i + 1][k] - v) * f));
  return '#' + c.map((v) => v.toString(16).padStart(2, '0')).join('');
}

/** Per-point colour words from the server's colouring: categories (index per point, -1 none) or
 *  metric values (NaN for none). Returns {colours: Uint32Array, legend: [{name, colour, key}]}. */
export function colourPoints(colouring, count) {
  const colours = new Uint32Array(count);
  const none = abgr(NO_VALUE);
  if (colouring.kind === 'metric') {
    const min = colouring.min, span = (colouring.max - colouring.min) || 1;
    const table = Array.from({ length: 64 }, (_, i) => abgr(ramp(i / 63)));
    for (let i = 0; i < count; i++) {
      const value = colouring.values[i];
      colours[i] = value === null || Number.isNaN(value) ? none : table[Math.round(((value - min) / span) * 63)];
    }
    const legend = [0, 0.25, 0.5, 0.75, 1].map((t) => ({ name: (min + t * span).toPrecision(3), colour: ramp(t) }));
    return { colours, legend };
  }
  const words = PALETTE.map(abgr);
  for (let i = 0; i < count; i++) {
    const category = colouring.values[i];
    colours[i] = category < 0 ? none : words[category % words.length];
  }
  const legend = colouring.categories.map((name, index) => ({ name, colour: PALETTE[index % PALETTE.length], key: index }));
  return { colours, legend };
}

/** Offsets of a filled disc of `radius` pixels in a row-major buffer of `width`. */
function discOffsets(radius, width) {
  const offsets = [];
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++) {
      if (dx * dx + dy * dy <= radius * radius + radius) offsets.push(dy * width + dx);
    }
  }
  return Int32Array.from(offsets);
}

export class PointRenderer {
  constructor(canvas) {
    this.canvas = canvas;
    this.context = canvas.getContext('2d', { alpha: false });
    this.image = null;
    this.pixels = null;
    this.visibleLast = 0;
    this.discs = new Map();
  }

  resize(width, height) {
    if (this.canvas.width === width && this.canvas.height === height && this.image) return;
    this.canvas.width = width;
    this.canvas.height = height;
    this.image = this.context.createImageData(width, height);
    this.pixels = new Uint32Array(this.image.data.buffer);
    this.discs.clear();
  }

  disc(radius) {
    if (!this.discs.has(radius)) this.discs.set(radius, discOffsets(radius, this.canvas.width));
    return this.discs.get(radius);
  }

  /**
   * Draws the points. `view` maps data to pixels: px = x * scale + tx, py = ty - y * scale.
   * `selected` (Uint8Array or null) draws selected points on top, the others dimmed.
   */
  draw(xs, ys, colours, view, selected, ratio = 1) {
    const { width, height } = this.canvas;
    const pixels = this.pixels;
    pixels.fill(BACKGROUND);
    const count = xs.length;
    // Level of detail: the splat radius follows the screen area each visible point has.
    const area = (width * height) / Math.max(1, this.visibleLast);
    const radius = Math.max(0, Math.min(4, Math.round((Math.sqrt(area) / 6) * ratio)));
    const offsets = this.disc(radius);
    const margin = radius + 1;
    const { scale, tx, ty } = view;
    const hasSelection = selected !== null;
    const dim = 0xff5a4a3f;
    let visible = 0;
    for (let pass = 0; pass < (hasSelection ? 2 : 1); pass++) {
      for (let i = 0; i < count; i++) {
        if (hasSelection && (selected[i] === 1) !== (pass === 1)) continue;
        const px = (xs[i] * scale + tx) | 0;
        const py = (ty - ys[i] * scale) | 0;
        if (px < margin || py < margin || px >= width - margin || py >= height - margin) continue;
        visible++;
        const colour = hasSelection && pass === 0 ? dim : colours[i];
        const centre = py * width + px;
        for (let k = 0; k < offsets.length; k++) pixels[centre + offsets[k]] = colour;
      }
    }
    this.visibleLast = visible;
    this.context.putImageData(this.image, 0, 0);
    return visible;
  }
}

/** A uniform grid over the points for "which point is under the cursor". */
export class PointGrid {
  constructor(xs, ys, bounds) {
    const count = xs.length;
    const side = Math.max(1, Math.round(Math.sqrt(count / 4)));
    this.side = side;
    this.minX = bounds.minX;
    this.minY = bounds.minY;
    this.cellW = ((bounds.maxX - bounds.minX) || 1) / side;
    this.cellH = ((bounds.maxY - bounds.minY) || 1) / side;
    this.xs = xs;
    this.ys = ys;
    const cells = new Int32Array(count);
    const starts = new Int32Array(side * side + 1);
    for (let i = 0; i < count; i++) {
      cells[i] = this.cell(xs[i], ys[i]);
      starts[cells[i] + 1]++;
    }
    for (let c = 0; c < side * side; c++) starts[c + 1] += starts[c];
    const fill = starts.slice(0, side * side);
    const items = new Int32Array(count);
    for (let i = 0; i < count; i++) items[fill[cells[i]]++] = i;
    this.starts = starts;
    this.items = items;
  }

  column(x) { return Math.max(0, Math.min(this.side - 1, Math.floor((x - this.minX) / this.cellW))); }
  row(y) { return Math.max(0, Math.min(this.side - 1, Math.floor((y - this.minY) / this.cellH))); }
  cell(x, y) { return this.row(y) * this.side + this.column(x); }

  /** The index of the point nearest (x, y) within `radius` (data units), or -1. */
  nearest(x, y, radius) {
    let best = -1, bestDistance = radius * radius;
    for (let row = this.row(y - radius); row <= this.row(y + radius); row++) {
      for (let column = this.column(x - radius); column <= this.column(x + radius); column++) {
        const cell = row * this.side + column;
        for (let k = this.starts[cell]; k < this.starts[cell + 1]; k++) {
          const i = this.items[k];
          const dx = this.xs[i] - x, dy = this.ys[i] - y;
          const distance = dx * dx + dy * dy;
          if (distance <= bestDistance) { bestDistance = distance; best = i; }
        }
      }
    }
    return best;
  }
}
