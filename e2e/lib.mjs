// Shared helpers for the browser tests: building Go programs for
// GOOS=js/GOARCH=wasm, serving them on 127.0.0.1 and driving Debian's
// Chromium through playwright-core.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname, resolve, normalize } from 'node:path';
import { chromium } from 'playwright-core';

export const repoRoot = resolve(import.meta.dirname, '..');
export const goroot = execFileSync('go', ['env', 'GOROOT']).toString().trim();
export const wasmExec = join(goroot, 'lib', 'wasm', 'wasm_exec.js');

// Flags that keep Chromium off the network this machine does not have.
const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: chromiumArgs,
  });
}

// buildWasm compiles the Go package pkg (relative to the repository root)
// to a wasm file and returns its path.
export function buildWasm(pkg, out = join(mkdtempSync(join(tmpdir(), 'goatdb-wasm-')), 'main.wasm')) {
  execFileSync('go', ['build', '-o', out, pkg], {
    cwd: repoRoot,
    env: { ...process.env, GOOS: 'js', GOARCH: 'wasm' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return out;
}

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json',
};

// serve serves routes on 127.0.0.1: each key is a URL path (exact file) or
// a prefix ending in "/" (a directory); values are files, directories or
// strings of HTML (when they start with "<"). It resolves to
// {url, close}.
export async function serve(routes) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    try {
      let body, file;
      // An exact route wins over a directory, and the longest directory
      // prefix over a shorter one, so '/' can serve the page while
      // '/worker.js' serves a file.
      const exact = routes[path];
      if (exact !== undefined) {
        if (exact.startsWith('<')) body = exact;
        else file = exact;
      } else {
        const dir = Object.keys(routes)
          .filter((r) => r.endsWith('/') && path.startsWith(r) && !routes[r].startsWith('<'))
          .sort((a, b) => b.length - a.length)[0];
        if (dir !== undefined) {
          const rel = normalize(path.slice(dir.length));
          if (!rel.startsWith('..')) file = join(routes[dir], rel);
        }
      }
      if (body === undefined && file === undefined) throw new Error('no route');
      if (file !== undefined) {
        if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
        body = await readFile(file);
      }
      res.writeHead(200, {
        'content-type': types[extname(file || 'x.html')] || 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

// runGoProgram runs a Go wasm program in a fresh page and resolves with its
// console output once it prints a line "PASS" or "FAIL" (or times out).
// extraRoutes lets the program load further files (workers, scripts);
// args become the program's os.Args[1:].
export async function runGoProgram(pkg, { extraRoutes = {}, timeoutMs = 60000, browser, args = [] } = {}) {
  const session = await openGoSession(pkg, { extraRoutes, browser });
  try {
    return await session.run(args, { timeoutMs });
  } finally {
    await session.close();
  }
}

// openGoSession builds pkg once and serves it from one origin in one
// browser context, so that successive runs, each a new page load in the
// same tab, share that origin's storage (OPFS, IndexedDB) as a reloaded
// page does. run(args, {timeoutMs}) resolves like runGoProgram; close()
// ends the context, the browser if the session launched it, and the
// server.
export async function openGoSession(pkg, { extraRoutes = {}, browser } = {}) {
  const wasm = buildWasm(pkg);
  const page = `<!doctype html><script src="/wasm_exec.js"></script><script>
    const go = new Go();
    go.argv = ['main', ...new URLSearchParams(location.search).getAll('arg')];
    WebAssembly.instantiateStreaming(fetch('/main.wasm'), go.importObject)
      .then((r) => go.run(r.instance))
      .catch((e) => console.log('FAIL ' + e));
  </script>`;
  const srv = await serve({ '/': page, '/wasm_exec.js': wasmExec, '/main.wasm': wasm, ...extraRoutes });
  const own = !browser;
  let ctx;
  try {
    browser ??= await launch();
    ctx = await browser.newContext();
  } catch (e) {
    if (own && browser) await browser.close();
    srv.close();
    throw e;
  }
  const p = await ctx.newPage();
  let collect = null; // the current run's line handler
  p.on('console', (m) => collect?.(m.text()));
  p.on('pageerror', (e) => collect?.('FAIL page error: ' + e.message));
  return {
    async run(args = [], { timeoutMs = 60000 } = {}) {
      const lines = [];
      let timer;
      const done = new Promise((ok) => {
        collect = (t) => {
          lines.push(t);
          if (/^(PASS|FAIL)\b/m.test(t)) ok();
        };
        timer = setTimeout(() => { lines.push('FAIL timeout'); ok(); }, timeoutMs);
      });
      const query = args.map((a) => 'arg=' + encodeURIComponent(a)).join('&');
      try {
        await p.goto(srv.url + '/' + (query ? '?' + query : ''));
        await done;
      } finally {
        clearTimeout(timer);
        collect = null;
      }
      return lines.join('\n');
    },
    async close() {
      try {
        await ctx.close();
      } finally {
        if (own) await browser.close();
        srv.close();
      }
    },
  };
}
