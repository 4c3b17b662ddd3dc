// Browser numbers for docs/browser.md: page load to ready, opening a 10k
// item repository, and browser → browser sync latency through the server.
// They are printed, not asserted: timing is for benchmarks, not tests.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, statSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, repoRoot } from './lib.mjs';

const work = mkdtempSync(join(tmpdir(), 'goatdb-perf-'));
const bin = join(work, 'goatdb');
let browser, server, url;

before(async () => {
  execFileSync('go', ['generate', './web'], { cwd: repoRoot, stdio: 'inherit' });
  execFileSync('go', ['build', '-o', bin, './cmd/goatdb'], { cwd: repoRoot, stdio: 'inherit' });
  server = spawn(bin, ['serve', '--demo', '--dir', join(work, 'server'), '--addr', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  url = await new Promise((ok, fail) => {
    let out = '';
    server.stdout.on('data', (d) => { out += d; const m = /on (http:\/\/\S+)/.exec(out); if (m) ok(m[1]); });
    server.on('exit', (c) => fail(new Error('server exited ' + c)));
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.kill('SIGKILL');
});

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

async function openApp(ctx, replica) {
  const page = await ctx.newPage();
  const t0 = Date.now();
  await page.goto(`${url}/?replica=${replica}`);
  await page.waitForSelector('body[data-ready=true]', { timeout: 60000 });
  return { page, loadMs: Date.now() - t0 };
}

test('wasm size', () => {
  const wasm = readFileSync(join(repoRoot, 'web', 'static', 'goatdb.wasm'));
  const gz = gzipSync(wasm, { level: 9 });
  console.log(`RESULT wasm size: ${(wasm.length / 2 ** 20).toFixed(2)} MiB raw, ${(gz.length / 2 ** 20).toFixed(2)} MiB gzip`);
  assert.ok(statSync(join(repoRoot, 'web', 'static', 'goatdb.wasm')).size > 0);
});

test('page load to ready', async () => {
  const loads = [];
  for (let i = 0; i < 5; i++) {
    const ctx = await browser.newContext();
    const { page } = await openApp(ctx, 'load');
    loads.push(await page.evaluate(() => globalThis.todos.readyMs));
    await ctx.close();
  }
  console.log(`RESULT page load to ready (fresh context, navigation start → data ready): median ${pct(loads, 0.5).toFixed(0)} ms, max ${Math.max(...loads).toFixed(0)} ms`);
});

test('open a 10k-item repository', async () => {
  const ctx = await browser.newContext();
  const { page } = await openApp(ctx, 'big');
  const n = 10000;
  const writeMs = await page.evaluate(async (n) => {
    const { db } = globalThis.todos;
    await db.openRepo('/data/big');
    const t0 = performance.now();
    for (let i = 0; i < n; i++) db.create('/data/big', 'todo', { text: `item ${i}`, done: i % 2 === 0, order: String(i).padStart(6, '0') });
    await db.flush();
    return performance.now() - t0;
  }, n);
  console.log(`RESULT create ${n} signed items and flush: ${(writeMs / 1000).toFixed(2)} s`);
  const opens = [];
  for (let i = 0; i < 3; i++) {
    await page.reload();
    await page.waitForSelector('body[data-ready=true]', { timeout: 60000 });
    opens.push(await page.evaluate(async () => {
      const t0 = performance.now();
      const st = await globalThis.todos.db.openRepo('/data/big');
      const ms = performance.now() - t0;
      if (st.items !== 10000) throw new Error('opened ' + JSON.stringify(st));
      return ms;
    }));
  }
  console.log(`RESULT open 10k-item repository in the browser: median ${pct(opens, 0.5).toFixed(0)} ms (${opens.map((x) => x.toFixed(0)).join(', ')})`);
  await ctx.close();
});

for (const delay of [300, 0]) {
  test(`browser → browser sync latency through the server, commit delay ${delay} ms`, async () => {
    const ctxA = await browser.newContext();
    const ctxB = await browser.newContext();
    const { page: a } = await openApp(ctxA, `lat-a&commitDelay=${delay}`);
    const { page: b } = await openApp(ctxB, `lat-b&commitDelay=${delay}`);
    await b.evaluate(() => {
      const { db } = globalThis.todos;
      globalThis.arrivals = new Map();
      const q = db.query({ repo: '/data/todos', schema: 'todo' });
      q.onChange(() => {
        const now = Date.now();
        for (const it of q.results()) if (it.data.text.startsWith('lat ') && !globalThis.arrivals.has(it.data.text)) globalThis.arrivals.set(it.data.text, now);
      });
    });
    // Let both realtime channels come up.
    await a.waitForFunction(() => globalThis.todos.db.status().realtime, null, { timeout: 20000 });
    await b.waitForFunction(() => globalThis.todos.db.status().realtime, null, { timeout: 20000 });
    const lat = [];
    for (let i = 0; i < 40; i++) {
      const text = `lat ${delay} ${i}`;
      const sent = await a.evaluate((text) => {
        globalThis.todos.db.create('/data/todos', 'todo', { text, order: 'x' });
        return Date.now();
      }, text);
      const got = await b.waitForFunction((text) => globalThis.arrivals.get(text), text, { timeout: 20000, polling: 2 });
      lat.push((await got.jsonValue()) - sent);
    }
    console.log(`RESULT browser → browser via server, commit delay ${delay} ms: p50 ${pct(lat, 0.5)} ms, p95 ${pct(lat, 0.95)} ms, max ${Math.max(...lat)} ms`);
    await ctxA.close();
    await ctxB.close();
  });
}
