// The collaborative todo list: every tab and every device with this page
// holds a full replica, works offline, and converges through the server.
import { open, orderStamp } from './goatdb.js';

const repo = '/data/todos';
const schemas = [{
  ns: 'todo', version: 1,
  fields: {
    text: { type: 'string', required: true },
    done: { type: 'boolean', default: false },
    order: { type: 'string', required: true },
  },
}];

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('sw.js').catch((e) => console.warn('no offline shell:', e));
}

const params = new URLSearchParams(location.search);
const db = await open({
  name: params.get('replica') ?? 'todos',
  peer: location.origin,
  schemas,
  // ?commitDelay=MS overrides how long edits gather before becoming a commit (300 ms).
  commitDelayMs: params.has('commitDelay') ? Number(params.get('commitDelay')) : undefined,
});
await db.openRepo(repo);
const query = db.query({ repo, schema: 'todo', sortBy: 'order' });

const $ = (id) => document.getElementById(id);
document.getElementById('replica').textContent = db.directory;

$('add').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const text = $('text').value.trim();
  if (!text) return;
  const items = query.results();
  const last = items.length ? items[items.length - 1].data.order : '';
  db.create(repo, 'todo', { text, done: false, order: orderStamp.between(last, '') });
  $('text').value = '';
});

// move puts the item at index i before or after its neighbour by giving
// it a stamp between the two stamps around its new place.
function move(items, i, delta) {
  const j = i + delta;
  if (j < 0 || j >= items.length) return;
  const [lo, hi] = delta < 0
    ? [items[j - 1]?.data.order ?? '', items[j].data.order]
    : [items[j].data.order, items[j + 1]?.data.order ?? ''];
  db.update(items[i].path, { order: orderStamp.between(lo, hi) });
}

function button(label, title, onClick) {
  const b = document.createElement('button');
  b.textContent = label;
  b.title = title;
  b.dataset.testid = title;
  b.addEventListener('click', onClick);
  return b;
}

function render() {
  const items = query.results();
  const list = $('list');
  list.replaceChildren(...items.map((it, i) => {
    const li = document.createElement('li');
    li.dataset.testid = 'todo';
    li.dataset.key = it.key;
    li.classList.toggle('done', it.data.done);
    const check = document.createElement('input');
    check.type = 'checkbox';
    check.checked = it.data.done;
    check.dataset.testid = 'toggle';
    check.addEventListener('change', () => db.update(it.path, { done: check.checked }));
    const text = document.createElement('span');
    text.className = 'text';
    text.dataset.testid = 'text';
    text.textContent = it.data.text;
    li.append(check, text,
      button('↑', 'up', () => move(query.results(), i, -1)),
      button('↓', 'down', () => move(query.results(), i, +1)),
      button('✕', 'delete', () => db.delete(it.path)));
    return li;
  }));
  const left = items.filter((it) => !it.data.done).length;
  $('count').textContent = `${left} of ${items.length} left`;
}

query.onChange(render);
render();

db.onStatus((s) => {
  const el = $('status');
  el.className = 'status ' + (s.online ? 'online' : 'offline');
  const state = s.pending ? `${s.pending} pending` : (s.synced ? 'synced' : 'syncing…');
  el.textContent = (s.online ? 'online' : 'offline') + ' · ' + state;
});

// Tests and curious users can reach the database from the console.
globalThis.todos = { db, query, ready: true, readyMs: performance.now() };
document.body.dataset.ready = 'true';
