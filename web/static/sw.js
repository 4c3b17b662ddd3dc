// The demo's service worker: it keeps the app's files so that the page
// loads, and its local replica keeps working, while the server is down.
// Network first, so a running server always serves the current files.
const cache = 'goatdb-demo-v1';
const shell = ['./', 'index.html', 'app.js', 'style.css', 'goatdb.js', 'opfs-worker.js', 'wasm_exec.js', 'goatdb.wasm'];

self.addEventListener('install', (ev) => {
  ev.waitUntil(caches.open(cache).then((c) => c.addAll(shell)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (ev) => {
  ev.waitUntil(self.clients.claim());
});

self.addEventListener('fetch', (ev) => {
  const url = new URL(ev.request.url);
  if (ev.request.method !== 'GET' || url.origin !== location.origin) return;
  const isShell = ev.request.mode === 'navigate' || shell.some((p) => new URL(p, location.href).pathname === url.pathname);
  if (!isShell) return;
  ev.respondWith((async () => {
    try {
      const resp = await fetch(ev.request);
      if (resp.ok) {
        const copy = resp.clone();
        caches.open(cache).then((c) => c.put(ev.request.mode === 'navigate' ? 'index.html' : ev.request, copy));
      }
      return resp;
    } catch (e) {
      const hit = await caches.match(ev.request.mode === 'navigate' ? 'index.html' : ev.request, { ignoreSearch: true });
      if (hit) return hit;
      throw e;
    }
  })());
});
