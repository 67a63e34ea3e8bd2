// The single page of occ's HTTP sample: plain JavaScript against /resources.
// It keeps what the person opened (base, with its ETag) so that a refused save can show what changed.
'use strict';

const $ = (id) => document.getElementById(id);
let base = null;   // the resource as it was opened or last saved
let etag = null;   // its strong ETag, sent back as If-Match

async function request(method, url, body, headers = {}) {
  const init = { method, headers: { Accept: 'application/json, application/problem+json', ...headers } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url, init);
  const text = await response.text();
  return { response, json: text ? JSON.parse(text) : null };
}

async function loadList() {
  const { json } = await request('GET', '/resources');
  const list = $('resource-list');
  list.replaceChildren(...json.map((r) => {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.textContent = r.name;
    link.dataset.id = r.id;
    link.className = 'open';
    link.addEventListener('click', () => open(r.id));
    item.append(link, ` (version ${r.version})`);
    return item;
  }));
}

function show(resource, tag) {
  base = resource;
  etag = tag;
  $('editor').hidden = false;
  $('resource-id').textContent = resource.id;
  $('resource-version').textContent = resource.version;
  $('name').value = resource.name;
  $('data').value = JSON.stringify(resource.data, null, 2);
}

function status(text, error = false) {
  $('status').textContent = text;
  $('status').className = error ? 'error' : '';
}

async function open(id) {
  const { response, json } = await request('GET', `/resources/${id}`);
  if (!response.ok) {
    status(json.detail, true);
    return;
  }
  $('conflict').hidden = true;
  status('');
  show(json, response.headers.get('ETag'));
}

function cell(row, text, changed) {
  const td = document.createElement('td');
  td.textContent = text;
  if (changed) td.className = 'changed';
  row.append(td);
}

// The refused save: the guide's message, and field by field what the other person changed.
async function showConflict(problem, mine) {
  $('conflict-message').textContent = problem.detail;
  const { response, json: current } = await request('GET', `/resources/${base.id}`);
  const rows = [];
  if (response.ok) {
    for (const field of ['name', 'data', 'version']) {
      const before = field === 'data' ? JSON.stringify(base.data) : String(base[field]);
      const now = field === 'data' ? JSON.stringify(current.data) : String(current[field]);
      const edit = field === 'version' ? '' : (field === 'data' ? JSON.stringify(mine.data) : mine.name);
      const row = document.createElement('tr');
      row.dataset.field = field;
      cell(row, field, false);
      cell(row, before, false);
      cell(row, now, before !== now);
      cell(row, edit, false);
      rows.push(row);
    }
  }
  $('changes').tBodies[0].replaceChildren(...rows);
  $('conflict').hidden = false;
}

async function save(event) {
  event.preventDefault();
  let data;
  try {
    data = JSON.parse($('data').value);
  } catch (e) {
    status(`Data is not valid JSON: ${e.message}`, true);
    return;
  }
  const mine = { name: $('name').value, data };
  const { response, json } = await request('PUT', `/resources/${base.id}`, mine, { 'If-Match': etag });
  if (response.ok) {
    $('conflict').hidden = true;
    show(json, response.headers.get('ETag'));
    status(`Saved: version ${json.version}.`);
    loadList();
  } else if (response.status === 409 || response.status === 412) {
    status('Not saved.', true);
    await showConflict(json, mine);
  } else {
    status(json && json.detail ? json.detail : `Not saved: HTTP ${response.status}.`, true);
  }
}

async function create(event) {
  event.preventDefault();
  const { response, json } = await request('POST', '/resources', { name: $('create-name').value, data: {} });
  if (response.ok) {
    $('create-name').value = '';
    await loadList();
    show(json, response.headers.get('ETag'));
  }
}

$('edit-form').addEventListener('submit', save);
$('create-form').addEventListener('submit', create);
$('reload').addEventListener('click', async () => {
  await open(base.id);
  status('Reloaded the current version: make your edit again and save.');
  loadList();
});
loadList();
