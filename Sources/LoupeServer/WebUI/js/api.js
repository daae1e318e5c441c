// The HTTP API under /v1, as the UI uses it. Every failure becomes an ApiError carrying the
// server's {"error": {"code", "message"}} so screens can show the reason.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const enc = encodeURIComponent;

async function request(method, path, { json, body, headers = {}, query } = {}) {
  let url = '/v1' + path;
  if (query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === null || value === '') continue;
      for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
    }
    const text = params.toString();
    if (text) url += '?' + text;
  }
  const init = { method, headers: { Accept: 'application/json', ...headers } };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers['Content-Type'] = 'application/json';
  } else if (body !== undefined) {
    init.body = body;
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new ApiError(0, 'network', `The server did not answer ${method} ${url}: ${error.message}`);
  }
  if (response.status === 401) window.dispatchEvent(new CustomEvent('loupe:unauthorized'));
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  const payload = type.startsWith('application/json') ? await response.json().catch(() => null) : await response.text();
  if (!response.ok) {
    const error = payload && payload.error;
    throw new ApiError(response.status, error ? error.code : String(response.status),
      error ? error.message : `${method} ${url} failed with HTTP ${response.status}`);
  }
  return payload;
}

/** The row filter as the server's query parameter (snake_case JSON of a row filter), omitted when empty. */
export function filterParam(filter) {
  if (!filter) return undefined;
  const clean = {};
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) continue;
    clean[key] = value;
  }
  return Object.keys(clean).length ? JSON.stringify(clean) : undefined;
}

const inDataset = (dataset) => `/datasets/${enc(dataset)}`;
const inSpace = (dataset, space) => `/datasets/${enc(dataset)}/spaces/${enc(space)}`;

export const api = {
  /** {status, auth: 'open' | 'keys', scope}: whether the server wants a key, and ours. */
  health: () => request('GET', '/health'),
  /** Checks a key and keeps it in the server's HTTP-only session cookie. */
  signIn: (key) => request('POST', '/session', { json: { key } }),
  signOut: () => request('DELETE', '/session'),
  datasets: () => request('GET', '/datasets').then((r) => r.items),
  spaces: (dataset) => request('GET', `${inDataset(dataset)}/spaces`).then((r) => r.items),
  /** A page of rows: {rows, next_cursor, total}. `sort` is a metric name, `-name` descending. */
  rows: (dataset, { filter, cursor, limit = 100, sort } = {}) =>
    request('GET', `${inDataset(dataset)}/rows`, { query: { cursor, limit, filter: filterParam(filter), sort } }),
  row: (dataset, id) => request('GET', `${inDataset(dataset)}/rows/${enc(id)}`),
  labels: (dataset) => request('GET', `${inDataset(dataset)}/labels`).then((r) => r.items),
  metrics: (dataset) => request('GET', `${inDataset(dataset)}/metrics`).then((r) => r.items),
  /** The metric values of some rows, read from the NDJSON export: Map id -> {name: value}. */
  rowMetrics: async (dataset, ids) => {
    const text = await request('GET', `${inDataset(dataset)}/export`, { query: { filter: filterParam({ row_ids: ids }) } });
    const byID = new Map();
    for (const line of String(text).split('\n')) {
      if (!line.trim()) continue;
      const row = JSON.parse(line);
      byID.set(row.id, Object.fromEntries((row.metrics || []).filter((m) => !m.class).map((m) => [m.name, m.value])));
    }
    return byID;
  },
  search: (dataset, space, query) => request('POST', `${inSpace(dataset, space)}/search`, { json: query }),
  searchImage: (dataset, space, file, query) => request('POST', `${inSpace(dataset, space)}/search/image`, {
    body: file, headers: { 'Content-Type': file.type || 'application/octet-stream' }, query,
  }),
  selections: (dataset) => request('GET', `${inDataset(dataset)}/selections`).then((r) => r.items),
  createSelection: (dataset, name, rowIDs) => request('POST', `${inDataset(dataset)}/selections`, { json: { name, row_ids: rowIDs } }),
  deleteSelection: (dataset, id) => request('DELETE', `${inDataset(dataset)}/selections/${enc(id)}`),
  slices: (dataset) => request('GET', `${inDataset(dataset)}/slices`).then((r) => r.items),
  createSlice: (dataset, name, filter) => request('POST', `${inDataset(dataset)}/slices`, { json: { name, filter } }),
  deleteSlice: (dataset, id) => request('DELETE', `${inDataset(dataset)}/slices/${enc(id)}`),
  smartSelect: (dataset, body) => request('POST', `${inDataset(dataset)}/smart-select`, { json: body }),
  jobs: () => request('GET', '/jobs').then((r) => r.items),
  cancelJob: (id) => request('POST', `/jobs/${enc(id)}/cancel`),
  map: (dataset, space, colour) => request('GET', `${inSpace(dataset, space)}/map`, { query: { colour } }),
  computeMap: (dataset, space, body) => request('POST', `${inSpace(dataset, space)}/map/compute`, { json: body }),
  mapSelect: (dataset, space, region) => request('POST', `${inSpace(dataset, space)}/map/select`, { json: region }),
  cluster: (dataset, space, cluster) => request('GET', `${inSpace(dataset, space)}/map/clusters/${enc(cluster)}`),
};

/** The URL of a row's thumbnail, made and cached by the server. */
export function thumbnailURL(dataset, row, size = 160) {
  return `/v1/datasets/${enc(dataset)}/rows/${enc(row)}/thumbnail?size=${size}`;
}

/** The URL that streams a dataset's rows (filtered) as NDJSON. */
export function exportURL(dataset, filter) {
  const param = filterParam(filter);
  return `/v1/datasets/${enc(dataset)}/export` + (param ? '?filter=' + enc(param) : '');
}
