// The demo app end to end: a real `goatdb serve --demo` process, headless
// Chromium pages, and the Go CLI as a third client.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, repoRoot } from './lib.mjs';

const work = mkdtempSync(join(tmpdir(), 'goatdb-e2e-'));
const bin = join(work, 'goatdb');
const serverDir = join(work, 'server');
const shots = join(repoRoot, 'e2e', 'screenshots');
let browser;
let server;
let url;
const serverLog = []; // the server's log, printed when a wait fails

const todoSchema = JSON.stringify([{ ns: 'todo', version: 1, fields: {
  text: { type: 'string', required: true }, done: { type: 'boolean' }, order: { type: 'string', required: true },
} }]);

function startServer(addr = '127.0.0.1:0') {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, ['serve', '--demo', '--dir', serverDir, '--addr', addr], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error('server did not start: ' + out)), 30000);
    p.stdout.on('data', (d) => {
      out += d;
      const m = /on (http:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ proc: p, url: m[1] }); }
    });
    p.stderr.on('data', (d) => { out += d; serverLog.push(...String(d).trimEnd().split('\n')); });
    p.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

async function stopServer() {
  const done = new Promise((ok) => server.proc.once('exit', ok));
  server.proc.kill('SIGKILL');
  await done;
}

before(async () => {
  execFileSync('go', ['generate', './web'], { cwd: repoRoot, stdio: 'inherit' });
  execFileSync('go', ['build', '-o', bin, './cmd/goatdb'], { cwd: repoRoot, stdio: 'inherit' });
  mkdirSync(shots, { recursive: true });
  server = await startServer();
  url = server.url;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  if (server?.proc.exitCode === null) await stopServer();
});

async function openApp(ctx, replica) {
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.log(`[${replica}] page error: ${e.message}`));
  // Everything the page logs (the engine's log included) is kept, and
  // printed when a wait on this page fails.
  page.logs = [];
  page.on('console', (m) => { page.logs.push(`[${replica}] ${m.type()}: ${m.text()}`); });
  await page.goto(`${url}/?replica=${replica}`);
  await page.waitForSelector('body[data-ready=true]', { timeout: 30000 });
  return page;
}

async function add(page, text) {
  await page.fill('[data-testid=new-todo]', text);
  await page.press('[data-testid=new-todo]', 'Enter');
}

const texts = (page) => page.$$eval('[data-testid=todo] [data-testid=text]', (els) => els.map((e) => e.textContent));

async function waitTexts(page, want, timeout = 15000) {
  await page.waitForFunction((w) => JSON.stringify([...document.querySelectorAll('[data-testid=todo] [data-testid=text]')].map((e) => e.textContent)) === JSON.stringify(w), want, { timeout })
    .catch(async (e) => { throw new Error(`${e.message}\nwant ${JSON.stringify(want)}, page shows ${JSON.stringify(await texts(page))}${await diagnose(page)}`); });
}

// diagnose describes a page whose wait failed: its sync status and log.
async function diagnose(page) {
  const status = await page.evaluate(() => JSON.stringify(globalThis.todos?.db.status())).catch((e) => String(e));
  return `\nstatus: ${status}\npage log:\n${page.logs.slice(-40).join('\n')}\nserver log:\n${serverLog.slice(-40).join('\n')}`;
}

// waitSet waits until the page shows exactly the todos in want, in any
// order (where a new item lands depends on what the page had then).
async function waitSet(page, want, timeout = 15000) {
  const sorted = [...want].sort();
  await page.waitForFunction((w) => JSON.stringify([...document.querySelectorAll('[data-testid=todo] [data-testid=text]')].map((e) => e.textContent).sort()) === JSON.stringify(w), sorted, { timeout })
    .catch(async (e) => { throw new Error(`${e.message}\nwant ${JSON.stringify(sorted)} in any order, page shows ${JSON.stringify(await texts(page))}${await diagnose(page)}`); });
}

function cli(...args) {
  return execFileSync(bin, args, { cwd: work }).toString();
}

test('two browsers edit one list and converge', async () => {
  const ctxA = await browser.newContext();
  const ctxB = await browser.newContext();
  const a = await openApp(ctxA, 'a');
  const b = await openApp(ctxB, 'b');

  await add(a, 'buy milk');
  await waitTexts(b, ['buy milk']);
  await add(b, 'walk the goat');
  await waitTexts(a, ['buy milk', 'walk the goat']);

  // Check on one side, see it on the other.
  await b.check('[data-testid=todo]:nth-child(1) [data-testid=toggle]');
  await a.waitForSelector('[data-testid=todo]:nth-child(1).done');

  // Concurrent adds on both sides end in the same order everywhere.
  await Promise.all([add(a, 'from a'), add(b, 'from b')]);
  await a.waitForFunction(() => document.querySelectorAll('[data-testid=todo]').length === 4);
  await b.waitForFunction(() => document.querySelectorAll('[data-testid=todo]').length === 4);
  const order = await texts(a);
  await waitTexts(b, order);

  // Reorder with order stamps: move the last item to the top.
  for (let i = 0; i < 3; i++) {
    await a.click('[data-testid=todo]:nth-child(' + (4 - i) + ') [data-testid=up]');
  }
  const moved = [order[3], ...order.slice(0, 3)];
  await waitTexts(a, moved);
  await waitTexts(b, moved);

  // Delete on b, gone on a.
  await b.click('[data-testid=todo]:nth-child(1) [data-testid=delete]');
  await waitTexts(a, moved.slice(1));

  await a.screenshot({ path: join(shots, 'browser-a.png') });
  await b.screenshot({ path: join(shots, 'browser-b.png') });
  await ctxA.close();
  await ctxB.close();
});

test('an edit made while the server is down survives a reload and syncs later', async () => {
  const ctx = await browser.newContext();
  const a = await openApp(ctx, 'offline');
  // The service worker must hold the app's files before the server goes.
  await a.waitForFunction(() => navigator.serviceWorker.controller !== null || navigator.serviceWorker.ready.then(() => true), null, { timeout: 15000 });
  await a.evaluate(() => navigator.serviceWorker.ready);
  await a.reload();
  await a.waitForSelector('body[data-ready=true]');
  // A successful round has brought everything the server had.
  await a.waitForFunction(() => { const s = globalThis.todos.db.status(); return s.synced && s.pending === 0; }, null, { timeout: 15000 });
  const before = await texts(a);

  const addr = new URL(url).host;
  await stopServer();
  await add(a, 'written offline');
  await waitSet(a, [...before, 'written offline']);
  await a.waitForSelector('[data-testid=status].offline', { timeout: 15000 });
  await a.evaluate(() => globalThis.todos.db.flush());

  await a.reload();
  await a.waitForSelector('body[data-ready=true]', { timeout: 30000 });
  await waitSet(a, [...before, 'written offline']);
  await a.screenshot({ path: join(shots, 'offline.png') });

  server = await startServer(addr);
  await a.waitForSelector('[data-testid=status].online', { timeout: 30000 });
  await a.waitForFunction(() => globalThis.todos.db.status().pending === 0, null, { timeout: 30000 });

  // A fresh browser gets it from the server.
  const ctx2 = await browser.newContext();
  const b = await openApp(ctx2, 'late');
  await waitSet(b, [...before, 'written offline']);
  await ctx.close();
  await ctx2.close();
});

test('the Go CLI and the browser see each other\'s edits', async () => {
  const ctx = await browser.newContext();
  const a = await openApp(ctx, 'cli');
  await add(a, 'from the browser');
  await a.evaluate(() => globalThis.todos.db.flush());
  const cliDir = join(work, 'cli');
  writeFileSync(join(work, 'todo.json'), todoSchema);

  let found = false;
  for (let i = 0; i < 20 && !found; i++) {
    cli('sync', '--dir', cliDir, '--peer', url, '/data/todos');
    found = cli('query', '--dir', cliDir, '--schema', 'todo.json', '/data/todos', '--where', 'text=from the browser').includes('from the browser');
    if (!found) await new Promise((ok) => setTimeout(ok, 250));
  }
  assert.ok(found, 'the CLI client never saw the browser\'s todo');

  const put = cli('put', '--dir', cliDir, '--schema', 'todo.json', '--type', 'todo', '/data/todos/from-cli',
    JSON.stringify({ text: 'from the CLI', done: false, order: 'zzzz' }));
  const synced = cli('sync', '--dir', cliDir, '--peer', url, '/data/todos');
  await a.waitForFunction(() => [...document.querySelectorAll('[data-testid=text]')].some((e) => e.textContent === 'from the CLI'), null, { timeout: 30000 })
    .catch(async (e) => {
      // Where did the commit stop: at the CLI, at the server, or in the page?
      const probe = join(work, 'probe');
      const atServer = cli('sync', '--dir', probe, '--peer', url, '/data/todos') +
        cli('keys', '--dir', probe, '/data/todos');
      const inPage = await a.evaluate(() => JSON.stringify([globalThis.todos.db.keys('/data/todos'), globalThis.todos.db.item('/data/todos/from-cli')])).catch(String);
      throw new Error(`${e.message}\nput: ${put}\nsync: ${synced}\na fresh client finds at the server: ${atServer}\nthe page holds: ${inPage}\npage shows ${JSON.stringify(await texts(a))}${await diagnose(a)}`);
    });
  await a.screenshot({ path: join(shots, 'cli.png') });
  await ctx.close();
});

test('tabs of one origin are separate replicas in directories of their own', async () => {
  const ctx = await browser.newContext();
  const t1 = await openApp(ctx, 'tabs');
  const t2 = await openApp(ctx, 'tabs');
  const dir = (p) => p.evaluate(() => globalThis.todos.db.directory);
  const [d1, d2] = [await dir(t1), await dir(t2)];
  assert.notEqual(d1, d2, 'two open tabs share a directory');

  await add(t1, 'from tab 1');
  await t2.waitForFunction(() => [...document.querySelectorAll('[data-testid=text]')].some((e) => e.textContent === 'from tab 1'), null, { timeout: 15000 });

  // A closed tab's directory goes to the next tab, with its data.
  await t1.evaluate(() => globalThis.todos.db.flush());
  await t1.close();
  const t3 = await openApp(ctx, 'tabs');
  assert.equal(await dir(t3), d1);
  assert.ok((await texts(t3)).includes('from tab 1'));
  await ctx.close();
});
