// Browser tests of goatdb/internal/vfs/browserfs: the Go test program
// (internal/vfs/browserfs/testprog) drives the filesystem against the
// real OPFS worker, on OPFS and on the forced IndexedDB fallback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openGoSession, repoRoot, runGoProgram } from './lib.mjs';

const pkg = './internal/vfs/browserfs/testprog';
const extraRoutes = { '/opfs-worker.js': join(repoRoot, 'web', 'static', 'opfs-worker.js') };

function assertPass(out) {
  const last = out.trimEnd().split('\n').at(-1);
  assert.match(last, /^PASS/, out);
}

test('browserfs passes its suite on OPFS and IndexedDB', async () => {
  const out = await runGoProgram(pkg, { extraRoutes, timeoutMs: 180000 });
  for (const line of out.split('\n')) if (line.startsWith('TIME')) console.log(line);
  assertPass(out);
});

test('browserfs data survives a page reload', async () => {
  const session = await openGoSession(pkg, { extraRoutes });
  try {
    assertPass(await session.run(['write'], { timeoutMs: 60000 }));
    // The next run is a new page load in the same tab and origin, with
    // the previous page's files still open when it went away.
    const out = await session.run(['verify'], { timeoutMs: 60000 });
    assertPass(out);
    assert.match(out, /opfs: \d+ log bytes persisted/);
    assert.match(out, /indexeddb: \d+ log bytes persisted/);
  } finally {
    await session.close();
  }
});
