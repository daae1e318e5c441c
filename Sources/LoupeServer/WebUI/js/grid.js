// A virtualised grid of row cards: one tall spacer gives the scroll height, and only the rows of
// cards in view (plus a small overscan) exist in the DOM. Data comes from a "source":
//   { total, get(index) -> {row, score?} | undefined, ensure(start, end) -> Promise }
// Keyboard: arrows/PageUp/PageDown/Home/End move, Enter opens, Space marks, N marks negative.

import { h, formatValue } from './dom.js';
import { state, toggleMarked, toggleNegative, on } from './state.js';
import { thumbnailURL } from './api.js';

const OVERSCAN_ROWS = 2;
const FIELD_LINE = 15;

export class Grid {
  /**
   * @param {HTMLElement} viewport the scrolling element
   * @param {{onOpen: (row) => void, fields: () => string[], label: string}} options
   */
  constructor(viewport, { onOpen, fields, label }) {
    this.viewport = viewport;
    this.onOpen = onOpen;
    this.fields = fields;
    this.source = null;
    this.cards = new Map(); // index -> element
    this.active = 0;
    this.firstPaint = null; // {resolve} while waiting for the first screen of thumbnails
    this.pendingFocus = null; // the index to focus once its card is rendered
    this.spacer = h('div', { className: 'grid-spacer', role: 'listbox', 'aria-label': label, 'aria-multiselectable': 'true' });
    viewport.append(this.spacer);
    viewport.addEventListener('scroll', () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(viewport);
    this.spacer.addEventListener('keydown', (event) => this.keydown(event));
    on('marks', () => this.refreshMarks());
  }

  /** Shows a new source from the top. Returns a promise that settles when the first screen of
   *  thumbnails has loaded (or failed), for the first-paint measurement. */
  setSource(source) {
    this.source = source;
    this.active = 0;
    this.pendingFocus = null;
    for (const card of this.cards.values()) card.remove();
    this.cards.clear();
    this.viewport.scrollTop = 0;
    const painted = new Promise((resolve) => { this.firstPaint = { resolve }; });
    this.schedule();
    return painted;
  }

  /** Re-renders every card (e.g. after the card fields changed). */
  refresh() {
    for (const card of this.cards.values()) card.remove();
    this.cards.clear();
    this.schedule();
  }

  schedule() {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => { this.pending = 0; this.render(); });
  }

  metrics() {
    const style = getComputedStyle(document.documentElement);
    const cardWidth = parseFloat(style.getPropertyValue('--card-w')) || 168;
    const width = this.viewport.clientWidth - 8;
    const columns = Math.max(1, Math.floor(width / cardWidth));
    const fieldCount = this.fields().length;
    const hasScores = this.source && this.source.scored;
    const cardHeight = (cardWidth - 16) + 18 + 20 + fieldCount * FIELD_LINE + (hasScores ? 16 : 0) + 14;
    return { cardWidth, columns, rowHeight: cardHeight + 8, cardHeight };
  }

  render() {
    const source = this.source;
    if (!source) return;
    const { cardWidth, columns, rowHeight, cardHeight } = this.metrics();
    const rows = Math.ceil(source.total / columns);
    this.spacer.style.height = `${rows * rowHeight + 8}px`;
    this.columns = columns;
    this.rowHeight = rowHeight;
    const top = this.viewport.scrollTop;
    const firstRow = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN_ROWS);
    const lastRow = Math.min(rows - 1, Math.ceil((top + this.viewport.clientHeight) / rowHeight) + OVERSCAN_ROWS);
    const start = firstRow * columns;
    const end = Math.min(source.total, (lastRow + 1) * columns);
    for (const [index, card] of this.cards) {
      if (index < start || index >= end || card.dataset.columns !== String(columns)) {
        card.remove();
        this.cards.delete(index);
      }
    }
    let missing = false;
    const images = [];
    for (let index = start; index < end; index++) {
      if (this.cards.has(index)) continue;
      const item = source.get(index);
      if (!item) { missing = true; continue; }
      const card = this.card(item, index, source.total);
      card.dataset.columns = String(columns);
      card.style.left = `${(index % columns) * cardWidth + 8}px`;
      card.style.top = `${Math.floor(index / columns) * rowHeight + 8}px`;
      card.style.height = `${cardHeight}px`;
      this.spacer.append(card);
      this.cards.set(index, card);
      const image = card.querySelector('img');
      if (image) images.push(image);
    }
    if (missing) {
      source.ensure(start, end).then(() => this.schedule(), () => {});
    }
    if (this.pendingFocus !== null && this.cards.has(this.pendingFocus)) {
      const card = this.cards.get(this.pendingFocus);
      this.pendingFocus = null;
      card.tabIndex = 0;
      card.focus({ preventScroll: true });
    }
    if (this.firstPaint && !missing) {
      const done = this.firstPaint;
      this.firstPaint = null;
      Promise.all(images.map((image) => image.complete ? null : new Promise((resolve) => {
        image.addEventListener('load', resolve, { once: true });
        image.addEventListener('error', resolve, { once: true });
      }))).then(() => done.resolve(images.length));
    }
    if (source.total === 0 && this.firstPaint) {
      this.firstPaint.resolve(0);
      this.firstPaint = null;
    }
  }

  card({ row, score }, index, total) {
    const marked = state.marked.has(row.id);
    const negative = state.negative.has(row.id);
    const visual = row.media_type === 'image'
      ? h('img', { className: 'thumb', alt: '', loading: 'eager', decoding: 'async', src: thumbnailURL(state.dataset.id, row.id, 160) })
      : h('div', { className: 'snippet' }, row.row_data.slice(0, 220));
    const fields = this.fields().map((name) => {
      const [kind, key] = name.split(':');
      const value = kind === 'metric' ? (row.metrics || {})[key] : row.metadata[key];
      return h('div', {}, `${key}: ${formatValue(value)}`);
    });
    const checkbox = h('input', {
      type: 'checkbox', className: 'mark', tabindex: '-1', checked: marked,
      'aria-label': `Mark ${row.id}`,
      onclick: (event) => { event.stopPropagation(); toggleMarked(row.id, event.target.checked); },
    });
    const card = h('div', {
      className: 'card' + (negative ? ' negative' : ''), role: 'option', tabindex: index === this.active ? '0' : '-1',
      'aria-selected': marked ? 'true' : 'false', 'aria-posinset': index + 1, 'aria-setsize': total,
      'aria-label': `${row.id}${row.labels.length ? ', ' + row.labels.map((l) => l.class_name).join(', ') : ''}${score !== undefined ? ', score ' + score.toFixed(3) : ''}`,
      dataset: { index: String(index), id: row.id },
      onclick: (event) => {
        this.active = index;
        if (event.ctrlKey || event.metaKey || event.shiftKey) toggleMarked(row.id);
        else this.onOpen(row);
      },
      onfocus: () => { this.active = index; },
    },
    visual, checkbox,
    score !== undefined ? h('div', { className: 'score' }, `score ${score.toFixed(3)}`) : null,
    h('div', { className: 'id', title: row.id }, row.id),
    h('div', { className: 'chips' }, row.labels.slice(0, 3).map((label) =>
      h('span', { className: 'chip' + (label.kind === 'prediction' ? ' prediction' : '') }, label.class_name))),
    h('div', { className: 'fields' }, fields));
    return card;
  }

  refreshMarks() {
    for (const card of this.cards.values()) {
      const id = card.dataset.id;
      card.setAttribute('aria-selected', state.marked.has(id) ? 'true' : 'false');
      card.classList.toggle('negative', state.negative.has(id));
      const box = card.querySelector('.mark');
      if (box) box.checked = state.marked.has(id);
    }
  }

  keydown(event) {
    const source = this.source;
    if (!source || source.total === 0) return;
    const columns = this.columns || 1;
    const page = Math.max(1, Math.floor(this.viewport.clientHeight / (this.rowHeight || 200))) * columns;
    const moves = {
      ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns, PageDown: page, PageUp: -page,
    };
    let next = this.active;
    if (event.key in moves) next += moves[event.key];
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = source.total - 1;
    else if (event.key === 'Enter' || event.key === ' ' || event.key === 'n' || event.key === 'N') {
      const item = source.get(this.active);
      if (!item) return;
      event.preventDefault();
      if (event.key === 'Enter') this.onOpen(item.row);
      else if (event.key === ' ') toggleMarked(item.row.id);
      else toggleNegative(item.row.id);
      return;
    } else return;
    event.preventDefault();
    this.focusIndex(Math.max(0, Math.min(source.total - 1, next)));
  }

  /** Scrolls `index` into view, renders, and focuses its card. */
  focusIndex(index) {
    this.active = index;
    const row = Math.floor(index / (this.columns || 1));
    const top = row * this.rowHeight;
    if (top < this.viewport.scrollTop) this.viewport.scrollTop = top;
    else if (top + this.rowHeight > this.viewport.scrollTop + this.viewport.clientHeight) {
      this.viewport.scrollTop = top + this.rowHeight - this.viewport.clientHeight;
    }
    for (const card of this.cards.values()) card.tabIndex = -1;
    // Focus lands when the card exists: now, or once its rows have loaded.
    this.pendingFocus = index;
    this.render();
  }
}

/** A source paged from GET /rows with a filter and sort. The API pages by cursor, so rows are
 *  fetched in order up to the last one in view, in pages of 120 to 1,000 rows (larger when the
 *  view jumps far ahead); `decorate(rows)` may add to them (metrics). */
export class RowCursorSource {
  constructor(fetchPage, decorate) {
    this.fetchPage = fetchPage; // (cursor, limit) -> Promise<{rows, next_cursor, total}>
    this.decorate = decorate;   // (rows) -> Promise
    this.total = 0;
    this.rows = [];
    this.started = false;
    this.next = undefined;
    this.loading = null;
  }

  /** Loads the first page and reads the total from it. */
  static async open(fetchPage, decorate) {
    const source = new RowCursorSource(fetchPage, decorate);
    await source.loadNext(120);
    return source;
  }

  async loadNext(limit) {
    const page = await this.fetchPage(this.next, limit);
    await this.decorate(page.rows);
    if (!this.started) this.total = page.total;
    this.started = true;
    this.rows.push(...page.rows);
    this.next = page.next_cursor;
    if (!this.next) this.total = this.rows.length;
  }

  get(index) {
    const row = this.rows[index];
    return row ? { row } : undefined;
  }

  ensure(start, end) {
    if (this.loading) return this.loading;
    if (this.rows.length >= end || !this.next) return Promise.resolve();
    this.loading = (async () => {
      try {
        while (this.rows.length < end && this.next) {
          await this.loadNext(Math.max(120, Math.min(1000, end - this.rows.length)));
        }
      } finally {
        this.loading = null;
      }
    })();
    return this.loading;
  }
}

/** A source over a fixed list of hits (search results). */
export class HitSource {
  constructor(hits) {
    this.items = hits.filter((hit) => hit.row).map((hit) => ({ row: hit.row, score: hit.score }));
    this.total = this.items.length;
    this.scored = true;
  }

  get(index) { return this.items[index]; }
  ensure() { return Promise.resolve(); }
}
