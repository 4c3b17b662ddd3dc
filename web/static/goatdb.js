// GoatDB in the browser: the Go engine compiled to WebAssembly, with its
// data in the origin-private file system and live sync with a GoatDB
// server. See goatdb.d.ts for the types and docs/browser.md for a guide.

const base = new URL('.', import.meta.url);
let engine; // promise of the Go side's entry points, one per page

function loadEngine(wasmURL, execURL) {
  engine ??= (async () => {
    if (!globalThis.Go) await import(execURL);
    const go = new globalThis.Go();
    const ready = new Promise((resolve) => { globalThis.__goatdbReady = resolve; });
    const { instance } = await WebAssembly.instantiateStreaming(fetch(wasmURL), go.importObject);
    go.run(instance).then(() => console.error('goatdb: the engine stopped'));
    await ready;
    return globalThis.__goatdbGo;
  })();
  return engine;
}

// claimDirectory gives this tab a directory no other tab of the origin
// uses: slot i is held through the Web Lock "goatdb:<name>:<i>" until the
// tab closes or the database is closed. Tabs are separate replicas that
// sync through the server, as upstream's; a new tab reuses a closed tab's
// directory, so data is not downloaded again.
async function claimDirectory(name) {
  if (!navigator.locks) return { root: `${name}-0`, release() {} };
  for (let i = 0; i < 256; i++) {
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    const got = await new Promise((resolve) => {
      navigator.locks.request(`goatdb:${name}:${i}`, { ifAvailable: true }, (lock) => {
        resolve(!!lock);
        return lock ? held : undefined;
      });
    });
    if (got) return { root: `${name}-${i}`, release };
  }
  throw new Error('goatdb: no free directory among 256 (too many tabs?)');
}

// Values cross into Go as tagged JSON: {"$date": ms}, {"$set": [...]},
// {"$map": {...}}; they come back as Date, Set and plain objects.
function toTagged(v) {
  if (v instanceof Date) return { $date: v.getTime() };
  if (v instanceof Set) return { $set: [...v] };
  if (v instanceof Map) return { $map: Object.fromEntries(v) };
  return v;
}

function encode(data) {
  const out = {};
  for (const [k, v] of Object.entries(data)) out[k] = v === undefined ? null : toTagged(v);
  return JSON.stringify(out);
}

function revive(_key, v) {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1) {
      switch (keys[0]) {
        case '$date': return new Date(v.$date);
        case '$set': return new Set(v.$set);
        case '$map': return v.$map;
        case '$num': return Number(v.$num);
        case '$richtext': return v.$richtext;
      }
    }
  }
  return v;
}

function check(r) {
  if (r instanceof Error) throw r;
  return r;
}

function decodeItem(json) {
  return json == null ? null : JSON.parse(json, revive);
}

// open opens (creating if needed) this tab's replica and starts syncing
// with options.peer, if given.
export async function open(options = {}) {
  const name = options.name ?? 'goatdb';
  const go = await loadEngine(
    options.wasmURL ?? new URL('goatdb.wasm', base).href,
    options.wasmExecURL ?? new URL('wasm_exec.js', base).href,
  );
  const dir = await claimDirectory(name);
  try {
    const h = await go.open({
      root: dir.root,
      workerURL: options.workerURL ?? new URL('opfs-worker.js', base).href,
      peer: options.peer ?? '',
      orgId: options.orgId ?? '',
      schemas: JSON.stringify(options.schemas ?? []),
      commitDelayMs: options.commitDelayMs,
      forceIndexedDB: !!options.forceIndexedDB,
      debug: !!options.debug,
    });
    return new DB(h, dir);
  } catch (e) {
    dir.release();
    throw e;
  }
}

export class DB {
  #h;
  #dir;
  #statusTimer = null;
  #statusSubs = new Set();
  #lastStatus = '';

  constructor(h, dir) {
    this.#h = h;
    this.#dir = dir;
  }

  /** The directory (OPFS) this tab's replica lives in. */
  get directory() { return this.#dir.root; }

  /** This replica's session id. */
  get sessionId() { return check(this.#h.sessionId()); }

  /** Loads a repository ("/type/repo"); reads and writes of it are synchronous afterwards. */
  async openRepo(path) { return this.#h.openRepo(path); }

  /** Creates an item with a new key and returns its path. */
  create(repo, schema, data) {
    return `${repo}/${check(this.#h.create(repo, schema, encode(data)))}`;
  }

  /** Replaces the value of the item at path (creating it). */
  set(path, schema, data) { check(this.#h.set(path, schema, encode(data))); }

  /** Changes only the given fields; null or undefined removes one. */
  update(path, changes) { check(this.#h.update(path, encode(changes))); }

  /** The item's fields, or null when it does not exist or was deleted. */
  get(path) { return this.item(path)?.data ?? null; }

  /** {key, path, schema, data} of the item, or null. */
  item(path) { return decodeItem(check(this.#h.get(path))); }

  delete(path) { check(this.#h.delete(path)); }

  /** Keys of a repository's items, sorted, deleted ones left out. */
  keys(repo) { return check(this.#h.keys(repo)); }

  count(repo) { return check(this.#h.count(repo)); }

  /** A live query: see Query. */
  query(spec) { return new Query(this.#h, spec); }

  /** {online, synced, pending, realtime, peer, lastSync, error} of the link to the server. */
  status() {
    const s = JSON.parse(check(this.#h.status()));
    s.lastSync = s.lastSync == null ? null : new Date(s.lastSync);
    return s;
  }

  /** Calls f(status) now and whenever it changes; returns an unsubscribe function. */
  onStatus(f, intervalMs = 250) {
    this.#statusSubs.add(f);
    f(this.status());
    this.#statusTimer ??= setInterval(() => {
      const s = this.status();
      const key = JSON.stringify([s.online, s.synced, s.pending, s.realtime, s.error]);
      if (key === this.#lastStatus) return;
      this.#lastStatus = key;
      for (const g of this.#statusSubs) g(s);
    }, intervalMs);
    return () => {
      this.#statusSubs.delete(f);
      if (this.#statusSubs.size === 0) {
        clearInterval(this.#statusTimer);
        this.#statusTimer = null;
      }
    };
  }

  /** Makes every write so far durable in this tab's storage. */
  async flush() { return this.#h.flush(); }

  /** Flushes, stops syncing and frees this tab's directory for another tab. */
  async close() {
    clearInterval(this.#statusTimer);
    this.#statusTimer = null;
    try {
      await this.#h.close();
    } finally {
      this.#dir.release();
    }
  }
}

export class Query {
  #q;
  #subs = new Set();

  constructor(h, spec) {
    const goSpec = { ...spec };
    if (typeof spec.filter === 'function') {
      const f = spec.filter;
      goSpec.filter = (json) => !!f(decodeItem(json));
    }
    this.#q = check(h.query(goSpec, () => { for (const f of this.#subs) f(this); }));
  }

  /** [{key, path, schema, data}] in the query's order. */
  results() { return JSON.parse(check(this.#q.results()), revive); }

  count() { return check(this.#q.count()); }

  /** Calls f(query) after the results change; returns an unsubscribe function. */
  onChange(f) {
    this.#subs.add(f);
    return () => this.#subs.delete(f);
  }

  close() {
    this.#subs.clear();
    check(this.#q.close());
  }
}

function engineNow() {
  if (!globalThis.__goatdbGo) throw new Error('goatdb: await open() before using order stamps');
  return globalThis.__goatdbGo;
}

/**
 * Order stamps: strings that sort in the order of a list users reorder.
 * between(a, b) sorts after a and before b; "" or null leaves an end
 * open (start() and end() sort before and after every stamp made so far).
 */
export const orderStamp = {
  start: () => engineNow().orderStart(),
  end: () => engineNow().orderEnd(),
  between: (a, b) => {
    const go = engineNow();
    return go.orderBetween(a || go.orderStart(), b || go.orderEnd());
  },
};
