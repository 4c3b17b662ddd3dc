// opfs-worker.js is the storage end of goatdb/internal/vfs/browserfs: a
// dedicated worker that owns the files the Go engine reads and writes.
//
// It exists because FileSystemSyncAccessHandle, the only fast way to read
// and write a file in the origin-private file system, is available in
// dedicated workers alone, while Go runs on the page. Where the browser has
// no sync access handles (older Safari and Firefox), the same messages are
// served from IndexedDB instead.
//
// Protocol. The page posts {id, op, ...args}; the worker answers each with
// {id, ...result} or {id, err: {code, msg}}, code being an errno name
// (ENOENT, EEXIST, ...). Bytes travel as transferred Uint8Arrays. Requests
// are served one at a time, in order, so no two operations interleave at
// an await. Paths are relative to the root, "" being the root itself.
//
//   init {root, forceIDB} -> {backend}     open {path, create, excl, trunc} -> {h, size}
//   read {h, at, len} -> {data}            write {h, at, append, data} -> {size}
//   truncate {h, size}   flush {h}   fstat {h} -> {size, mtime}   close {h}
//   stat {path} -> {dir, size, mtime}      list {path} -> {entries: [{name, dir, size, mtime}]}
//   mkdir {path}   remove {path}   rename {path, to}   syncdir {path}   shutdown
//
// Plain script, no build step, no dependencies.
'use strict';

class FsError extends Error {
  constructor(code, msg) {
    super(msg || code);
    this.code = code;
  }
}
const fail = (code, msg) => {
  throw new FsError(code, msg);
};

// DOMException names as errno names. TypeMismatchError depends on what
// was expected, so path walks translate it themselves.
const domCodes = {
  NotFoundError: 'ENOENT',
  InvalidModificationError: 'ENOTEMPTY',
  NoModificationAllowedError: 'EBUSY',
  QuotaExceededError: 'ENOSPC',
  NotAllowedError: 'EACCES',
  SecurityError: 'EACCES',
};

function toErr(e) {
  if (e instanceof FsError) return { code: e.code, msg: e.message };
  const name = (e && e.name) || 'Error';
  return { code: domCodes[name] || 'EIO', msg: `${name}: ${(e && e.message) || e}` };
}

const split = (path) => (path === '' ? [] : path.split('/'));
const parentOf = (path) => path.slice(0, Math.max(0, path.lastIndexOf('/')));
const baseOf = (path) => path.slice(path.lastIndexOf('/') + 1);
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

// A worker's sync access handles may be released asynchronously when its
// page goes away, so the worker of a reloaded page could find its files
// still locked for a moment. Waiting a little turns that race into a short
// delay; a file held by another tab still fails, after about a second.
async function retryLocked(f) {
  for (let i = 0; ; i++) {
    try {
      return await f();
    } catch (e) {
      if (e.name !== 'NoModificationAllowedError' || i >= 20) throw e;
      await sleep(50);
    }
  }
}

// opfs keeps files in the origin-private file system, one sync access
// handle per open file.
const opfs = {
  async init(root) {
    let d = await navigator.storage.getDirectory();
    for (const p of split(root)) d = await d.getDirectoryHandle(p, { create: true });
    this.root = d;
  },

  async dir(parts, create = false) {
    let d = this.root;
    for (const p of parts) {
      try {
        d = await d.getDirectoryHandle(p, { create });
      } catch (e) {
        if (e.name === 'TypeMismatchError') fail('ENOTDIR');
        throw e;
      }
    }
    return d;
  },

  // entry finds name in dir d: {file} or {dir}, or null if it is missing.
  async entry(d, name) {
    try {
      return { file: await d.getFileHandle(name) };
    } catch (e) {
      if (e.name === 'NotFoundError') return null;
      if (e.name !== 'TypeMismatchError') throw e;
    }
    return { dir: await d.getDirectoryHandle(name) };
  },

  async lookup(path) {
    const parts = split(path);
    if (parts.length === 0) return { dir: this.root };
    const parent = await this.dir(parts.slice(0, -1));
    return { parent, name: parts[parts.length - 1], ...(await this.entry(parent, parts[parts.length - 1])) };
  },

  async open(path, create, excl) {
    const e = await this.lookup(path);
    if (e.dir) fail(create && excl ? 'EEXIST' : 'EISDIR');
    if (e.file && create && excl) fail('EEXIST');
    if (!e.file && !create) fail('ENOENT');
    const fh = e.file || (await e.parent.getFileHandle(e.name, { create: true }));
    const access = await retryLocked(() => fh.createSyncAccessHandle());
    let mtime = Date.now();
    try {
      mtime = (await fh.getFile()).lastModified;
    } catch {
      // Some browsers refuse getFile on a locked file; now will do.
    }
    return { access, mtime };
  },
  close(h) {
    h.access.close();
  },
  size(h) {
    return h.access.getSize();
  },
  read(h, at, len) {
    const buf = new Uint8Array(Math.max(0, Math.min(len, h.access.getSize() - at)));
    const n = h.access.read(buf, { at });
    return n < buf.length ? buf.subarray(0, n) : buf;
  },
  write(h, at, data) {
    const n = h.access.write(data, { at });
    if (n !== data.length) fail('EIO', `short write: ${n} of ${data.length} bytes`);
    return h.access.getSize();
  },
  truncate(h, size) {
    h.access.truncate(size);
  },
  flush(h) {
    h.access.flush();
  },

  async stat(path) {
    const e = await this.lookup(path);
    if (e.dir) return { dir: true, size: 0, mtime: 0 };
    if (!e.file) fail('ENOENT');
    const f = await e.file.getFile();
    return { dir: false, size: f.size, mtime: f.lastModified };
  },
  async mkdirAll(path) {
    await this.dir(split(path), true);
  },
  async remove(path) {
    const e = await this.lookup(path);
    if (!e.parent) fail('EBUSY', 'cannot remove the root');
    if (!e.file && !e.dir) fail('ENOENT');
    await e.parent.removeEntry(e.name);
  },
  async rename(from, to) {
    const src = await this.lookup(from);
    if (src.dir) fail('EINVAL', 'renaming directories is not supported');
    if (!src.file) fail('ENOENT');
    const dst = await this.lookup(to);
    if (dst.dir) fail('EISDIR');
    if (from === to) return;
    if (typeof src.file.move === 'function') {
      // move replaces an existing target in one step.
      await src.file.move(dst.parent, dst.name);
      return;
    }
    // Without move the replacement cannot be atomic: a crash midway may
    // leave a partial target beside the intact source.
    const data = new Uint8Array(await (await src.file.getFile()).arrayBuffer());
    const fh = await dst.parent.getFileHandle(dst.name, { create: true });
    const access = await retryLocked(() => fh.createSyncAccessHandle());
    try {
      access.truncate(0);
      access.write(data, { at: 0 });
      access.flush();
    } finally {
      access.close();
    }
    await src.parent.removeEntry(src.name);
  },
  async list(path) {
    const d = await this.dir(split(path));
    const out = [];
    for await (const [name, h] of d.entries()) {
      if (h.kind === 'directory') {
        out.push({ name, dir: true, size: 0, mtime: 0 });
        continue;
      }
      let size = 0, mtime = 0;
      try {
        const f = await h.getFile();
        size = f.size;
        mtime = f.lastModified;
      } catch {
        // Locked in a browser that refuses getFile then: the caller fills
        // in open files from their handles.
      }
      out.push({ name, dir: false, size, mtime });
    }
    return out;
  },
  shutdown() {},
};

// idb keeps files in IndexedDB where OPFS sync access handles are missing.
// An entry record per file or directory, keyed by path, and the file's
// bytes in chunk records keyed by [inode, seq]: a write adds one chunk,
// so appending costs the new bytes only, and renaming rewrites the entry
// alone. Chunks may overlap; later ones win. The entry lists its live
// chunks with the span of each that still counts, so a read fetches only
// the chunks it needs, and truncating just shortens those spans.
const TILE = 4 << 20; // the chunk size compaction writes
const MAX_CHUNKS = 256; // compaction starts beyond this many chunks

const req = (r) =>
  new Promise((ok, ko) => {
    r.onsuccess = () => ok(r.result);
    r.onerror = () => ko(r.error);
  });

const idb = {
  async init(root) {
    const r = indexedDB.open('goatdb-browserfs:' + root, 1);
    r.onupgradeneeded = () => {
      const db = r.result;
      db.createObjectStore('entries', { keyPath: 'path' }).createIndex('parent', 'parent');
      db.createObjectStore('chunks');
    };
    this.db = await req(r);
    this.inos = 0;
  },

  // run runs f(entries, chunks) in one transaction and resolves once the
  // transaction has committed, so a reply never vouches for lost work.
  async run(mode, f, durability = 'default') {
    const tx = this.db.transaction(['entries', 'chunks'], mode, { durability });
    const done = new Promise((ok, ko) => {
      tx.oncomplete = () => ok();
      tx.onerror = tx.onabort = () => ko(tx.error || new FsError('EIO', 'transaction aborted'));
    });
    let result;
    try {
      result = await f(tx.objectStore('entries'), tx.objectStore('chunks'));
    } catch (e) {
      try {
        tx.abort();
      } catch {
        // already finished
      }
      await done.catch(() => {});
      throw e;
    }
    await done;
    return result;
  },

  async get(es, path) {
    if (path === '') return { path: '', kind: 'dir', mtime: 0 };
    return req(es.get(path));
  },
  async checkParent(es, path) {
    const p = await this.get(es, parentOf(path));
    if (!p) fail('ENOENT');
    if (p.kind !== 'dir') fail('ENOTDIR');
  },
  dropChunks(cs, ino) {
    cs.delete(IDBKeyRange.bound([ino, 0], [ino, Infinity]));
  },

  async open(path, create, excl) {
    const e = await this.run('readwrite', async (es) => {
      const e = await this.get(es, path);
      if (e && e.kind === 'dir') fail(create && excl ? 'EEXIST' : 'EISDIR');
      if (e && create && excl) fail('EEXIST');
      if (e) return e;
      if (!create) fail('ENOENT');
      await this.checkParent(es, path);
      const n = {
        path, parent: parentOf(path), name: baseOf(path), kind: 'file',
        ino: `${Date.now().toString(36)}.${(this.inos++).toString(36)}.${Math.random().toString(36).slice(2)}`,
        size: 0, mtime: Date.now(), chunks: [], seq: 0,
      };
      es.put(n);
      return n;
    });
    return { e, mtime: e.mtime };
  },
  close() {},
  size(h) {
    return h.e.size;
  },

  async read(h, at, len) {
    const e = h.e;
    const end = Math.min(e.size, at + len);
    const out = new Uint8Array(Math.max(0, end - at));
    const need = e.chunks.filter((c) => c.off < end && c.off + c.len > at);
    if (need.length === 0) return out;
    const datas = await this.run('readonly', (_, cs) => Promise.all(need.map((c) => req(cs.get([e.ino, c.seq])))));
    need.forEach((c, i) => {
      const from = Math.max(at, c.off), to = Math.min(end, c.off + c.len);
      out.set(new Uint8Array(datas[i], from - c.off, to - from), from - at);
    });
    return out;
  },

  async write(h, at, data) {
    const n = { ...h.e, chunks: [...h.e.chunks] };
    const seq = n.seq++;
    n.chunks.push({ seq, off: at, len: data.length });
    n.size = Math.max(n.size, at + data.length);
    n.mtime = Date.now();
    // Store exactly data's bytes: cloning a view clones its whole buffer.
    const buf = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data.buffer : data.slice().buffer;
    await this.run('readwrite', (es, cs) => {
      cs.put(buf, [n.ino, seq]);
      es.put(n);
    });
    h.e = n;
    h.mtime = n.mtime;
    if (n.chunks.length > MAX_CHUNKS) {
      try {
        await this.compact(h);
      } catch {
        // The write itself is committed; compaction (which needs room for
        // a second copy of the tail) is tried again on the next write.
      }
    }
    return n.size;
  },

  // compact rewrites the file's tail as TILE-sized chunks. The leading
  // chunks that already tile the file (each TILE long, at TILE*i, and not
  // overwritten since) stay as they are, so a growing log costs only its
  // tail each time.
  async compact(h) {
    const e = h.e;
    let keep = 0;
    while (keep < e.chunks.length && e.chunks[keep].off === keep * TILE && e.chunks[keep].len === TILE) keep++;
    let start = keep * TILE;
    for (const c of e.chunks.slice(keep)) start = Math.min(start, Math.floor(c.off / TILE) * TILE);
    const data = await this.read(h, start, e.size - start);
    const n = { ...e, chunks: e.chunks.filter((c, i) => i < keep && c.off < start) };
    const drop = e.chunks.filter((c) => !n.chunks.includes(c));
    const put = [];
    for (let off = start; off < e.size; off += TILE) {
      const piece = data.slice(off - start, Math.min(e.size, off + TILE) - start);
      const c = { seq: n.seq++, off, len: piece.length };
      n.chunks.push(c);
      put.push([c, piece.buffer]);
    }
    await this.run('readwrite', (es, cs) => {
      for (const c of drop) cs.delete([e.ino, c.seq]);
      for (const [c, buf] of put) cs.put(buf, [e.ino, c.seq]);
      es.put(n);
    });
    h.e = n;
  },

  async truncate(h, size) {
    const e = h.e;
    const n = { ...e, size, mtime: Date.now() };
    n.chunks = e.chunks.filter((c) => c.off < size).map((c) => ({ ...c, len: Math.min(c.len, size - c.off) }));
    const drop = e.chunks.filter((c) => c.off >= size);
    await this.run('readwrite', (es, cs) => {
      for (const c of drop) cs.delete([e.ino, c.seq]);
      es.put(n);
    });
    h.e = n;
    h.mtime = n.mtime;
  },

  // flush commits a strict transaction: the spec has a strict commit wait
  // until all outstanding changes are on disk, the earlier relaxed ones
  // included.
  async flush(h) {
    await this.run('readwrite', (es) => {
      es.put(h.e);
    }, 'strict');
  },

  // syncDir writes a marker with a strict commit, which the spec has wait
  // until all outstanding changes are on disk. No file has the inode ''.
  async syncDir() {
    await this.run('readwrite', (_, cs) => {
      cs.put(new ArrayBuffer(0), ['', 0]);
    }, 'strict');
  },

  async stat(path) {
    const e = await this.run('readonly', (es) => this.get(es, path));
    if (!e) fail('ENOENT');
    return { dir: e.kind === 'dir', size: e.size || 0, mtime: e.mtime || 0 };
  },
  async mkdirAll(path) {
    await this.run('readwrite', async (es) => {
      const parts = split(path);
      for (let i = 1; i <= parts.length; i++) {
        const p = parts.slice(0, i).join('/');
        const e = await this.get(es, p);
        if (e && e.kind !== 'dir') fail('ENOTDIR');
        if (!e) es.put({ path: p, parent: parentOf(p), name: baseOf(p), kind: 'dir', mtime: Date.now() });
      }
    });
  },
  async remove(path) {
    if (path === '') fail('EBUSY', 'cannot remove the root');
    await this.run('readwrite', async (es, cs) => {
      const e = await this.get(es, path);
      if (!e) fail('ENOENT');
      if (e.kind === 'dir' && (await req(es.index('parent').count(path))) > 0) fail('ENOTEMPTY');
      if (e.kind === 'file') this.dropChunks(cs, e.ino);
      es.delete(path);
    });
  },
  async rename(from, to) {
    await this.run('readwrite', async (es, cs) => {
      const e = await this.get(es, from);
      if (!e) fail('ENOENT');
      if (e.kind === 'dir') fail('EINVAL', 'renaming directories is not supported');
      const t = await this.get(es, to);
      if (t && t.kind === 'dir') fail('EISDIR');
      await this.checkParent(es, to);
      if (from === to) return;
      if (t) this.dropChunks(cs, t.ino);
      es.delete(from);
      es.put({ ...e, path: to, parent: parentOf(to), name: baseOf(to) });
    });
  },
  async list(path) {
    return this.run('readonly', async (es) => {
      const e = await this.get(es, path);
      if (!e) fail('ENOENT');
      if (e.kind !== 'dir') fail('ENOTDIR');
      const kids = await req(es.index('parent').getAll(path));
      return kids.map((k) => ({ name: k.name, dir: k.kind === 'dir', size: k.size || 0, mtime: k.mtime || 0 }));
    });
  },
  shutdown() {
    this.db.close();
  },
};

// Open files, shared by path: the browser allows one sync access handle
// per file, so every Go File on a path uses the same one, counted.
let backend = null;
const handles = new Map(); // id -> {id, path, refs, mtime, ...backend state}
const byPath = new Map(); // path -> handle
let nextHandle = 1;

function handle(id) {
  const h = handles.get(id);
  if (!h) fail('EBADF', `no open file ${id}`);
  return h;
}

// An open file is locked in OPFS, so removing or renaming it fails there;
// IndexedDB refuses the same so code tested on one backend holds on both.
function notOpen(path) {
  if (byPath.has(path)) fail('EBUSY', `${path} is open`);
}

function sahAvailable() {
  return (
    typeof FileSystemFileHandle !== 'undefined' &&
    'createSyncAccessHandle' in FileSystemFileHandle.prototype &&
    typeof navigator !== 'undefined' && navigator.storage && typeof navigator.storage.getDirectory === 'function'
  );
}

const ops = {
  async init(m) {
    if (backend) fail('EINVAL', 'already initialised');
    if (!m.forceIDB && sahAvailable()) {
      try {
        await opfs.init(m.root);
        backend = opfs;
        return { backend: 'opfs' };
      } catch {
        // OPFS can exist and still refuse, as in private windows of some
        // browsers: IndexedDB may work there.
      }
    }
    await idb.init(m.root);
    backend = idb;
    return { backend: 'indexeddb' };
  },

  async open(m) {
    let h = byPath.get(m.path);
    if (h) {
      if (m.create && m.excl) fail('EEXIST');
      h.refs++;
    } else {
      h = { id: nextHandle++, path: m.path, refs: 1, ...(await backend.open(m.path, m.create, m.excl)) };
      handles.set(h.id, h);
      byPath.set(h.path, h);
    }
    try {
      if (m.trunc) await ops.truncate({ h: h.id, size: 0 });
    } catch (e) {
      await ops.close({ h: h.id });
      throw e;
    }
    return { h: h.id, size: backend.size(h) };
  },
  async close(m) {
    const h = handle(m.h);
    if (--h.refs > 0) return {};
    handles.delete(h.id);
    byPath.delete(h.path);
    await backend.close(h);
    return {};
  },
  async read(m) {
    return { data: await backend.read(handle(m.h), m.at, m.len) };
  },
  async write(m) {
    const h = handle(m.h);
    const size = await backend.write(h, m.append ? backend.size(h) : m.at, m.data);
    h.mtime = Date.now();
    return { size };
  },
  async truncate(m) {
    const h = handle(m.h);
    await backend.truncate(h, m.size);
    h.mtime = Date.now();
    return {};
  },
  async flush(m) {
    await backend.flush(handle(m.h));
    return {};
  },
  async fstat(m) {
    const h = handle(m.h);
    return { size: backend.size(h), mtime: h.mtime };
  },

  async stat(m) {
    const h = byPath.get(m.path);
    if (h) return { dir: false, size: backend.size(h), mtime: h.mtime };
    return backend.stat(m.path);
  },
  async mkdir(m) {
    await backend.mkdirAll(m.path);
    return {};
  },
  async remove(m) {
    notOpen(m.path);
    await backend.remove(m.path);
    return {};
  },
  async rename(m) {
    notOpen(m.path);
    notOpen(m.to);
    await backend.rename(m.path, m.to);
    return {};
  },
  async list(m) {
    const entries = await backend.list(m.path);
    for (const e of entries) {
      const h = byPath.get(m.path === '' ? e.name : `${m.path}/${e.name}`);
      if (h) Object.assign(e, { size: backend.size(h), mtime: h.mtime });
    }
    return { entries };
  },
  // syncdir: OPFS has no directory fsync, and commits entry changes as
  // part of the call that made them; IndexedDB gets a strict commit.
  async syncdir(m) {
    const st = await ops.stat(m);
    if (!st.dir) fail('ENOTDIR');
    if (backend.syncDir) await backend.syncDir();
    return {};
  },
  async shutdown() {
    for (const h of handles.values()) {
      try {
        await backend.close(h);
      } catch {
        // closing the rest matters more
      }
    }
    handles.clear();
    byPath.clear();
    if (backend) backend.shutdown();
    backend = null;
    return {};
  },
};

async function serve(m) {
  let reply;
  try {
    const op = ops[m.op];
    if (!op) fail('EINVAL', `unknown op ${m.op}`);
    if (!backend && m.op !== 'init' && m.op !== 'shutdown') fail('EIO', 'worker not initialised');
    reply = (await op(m)) || {};
  } catch (e) {
    reply = { err: toErr(e) };
  }
  reply.id = m.id;
  const transfer = reply.data ? [reply.data.buffer] : [];
  postMessage(reply, transfer);
}

let queue = Promise.resolve();
self.onmessage = (ev) => {
  const m = ev.data;
  queue = queue.then(() => serve(m));
};
