// The jobs screen: imports and embedding jobs with live progress (polled once a second while the
// screen is open, every five seconds for the badge otherwise), failures with their reason, and
// cancelling.

import { api } from './api.js';
import { h, $, showError } from './dom.js';
import { state } from './state.js';

let timer = 0;
let visible = false;

export function initJobs() {
  poll();
}

/** Polls faster while the jobs screen is open. */
export function setJobsVisible(value) {
  visible = value;
  clearTimeout(timer);
  poll();
}

async function poll() {
  let jobs = null;
  try {
    jobs = await api.jobs();
  } catch (error) {
    if (visible) $('#jobs-table tbody').replaceChildren(h('tr', {}, h('td', { colspan: 6, className: 'error' }, `Could not load jobs: ${error.message}`)));
  }
  if (jobs) render(jobs);
  const active = jobs ? jobs.some((job) => job.state === 'running' || job.state === 'pending') : false;
  timer = setTimeout(poll, visible || active ? 1000 : 5000);
}

function render(jobs) {
  const running = jobs.filter((job) => job.state === 'running' || job.state === 'pending').length;
  const badge = $('#jobs-badge');
  badge.hidden = running === 0;
  badge.textContent = String(running);
  badge.setAttribute('aria-label', `${running} running`);
  if (!visible) return;
  const body = $('#jobs-table tbody');
  if (!jobs.length) {
    body.replaceChildren(h('tr', {}, h('td', { colspan: 6, className: 'muted' }, 'No jobs yet.')));
    return;
  }
  body.replaceChildren(...jobs.map((job) => {
    const fraction = job.total ? job.done / job.total : null;
    const active = job.state === 'running' || job.state === 'pending';
    const report = job.report ? ` — ${job.report.stored.toLocaleString()} stored, ${job.report.rejected.toLocaleString()} rejected` : '';
    const reasons = (job.report ? job.report.errors : []).slice(0, 5).map((e) => h('div', { className: 'error' }, `line ${e.line}: ${e.reason}`));
    return h('tr', { dataset: { id: job.id, state: job.state } },
      h('td', {}, job.kind.replace(/_/g, ' ')),
      h('td', {}, target(job)),
      h('td', {}, h('span', { className: `state-${job.state}` }, job.state),
        job.error ? h('div', { className: 'error' }, job.error) : null, reasons),
      h('td', {}, fraction === null ? h('progress', { 'aria-label': `${job.kind} progress` })
        : h('progress', { max: 1, value: fraction, 'aria-label': `${job.kind} progress` }),
        ` ${job.done.toLocaleString()}${job.total ? ' / ' + job.total.toLocaleString() : ''}${report}`),
      h('td', {}, new Date(job.updated_at).toLocaleTimeString()),
      h('td', {}, active ? h('button', { type: 'button', onclick: () => cancel(job) }, 'Cancel') : null));
  }));
}

/** The job's space or dataset, by name when this page knows it. */
function target(job) {
  const dataset = state.datasets.find((d) => d.id === job.dataset_id);
  const space = state.spaces.find((s) => s.id === job.space_id);
  if (job.space_id) return `space ${space ? space.name : job.space_id}${dataset ? ' of ' + dataset.name : ''}`;
  return `dataset ${dataset ? dataset.name : job.dataset_id}`;
}

async function cancel(job) {
  try {
    await api.cancelJob(job.id);
    clearTimeout(timer);
    poll();
  } catch (error) {
    showError(error, 'Cancelling the job');
  }
}
