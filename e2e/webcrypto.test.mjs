// Package trust under js/wasm signs and verifies through WebCrypto: runs
// internal/trust/webcryptotest in Chromium with upstream's signature
// vectors served at /vectors/, and prints its timings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { runGoProgram, repoRoot } from './lib.mjs';

const vectors = process.env.GOATDB_VECTORS
  || resolve(repoRoot, '..', 'shared', 'fixtures', 'upstream-0.5.1', 'vectors');

test('trust signs and verifies through WebCrypto', async () => {
  const out = await runGoProgram('./internal/trust/webcryptotest', {
    extraRoutes: { '/vectors/': vectors },
    timeoutMs: 240000,
  });
  const lines = out.split('\n');
  for (const l of lines) if (l.startsWith('TIME ')) console.log(l);
  // A WebCrypto failure falls back to Go silently but for one console
  // warning; here it must not happen.
  const fellBack = lines.filter((l) => l.includes('WebCrypto') && l.includes('failed'));
  assert.deepEqual(fellBack, [], 'WebCrypto fell back to Go');
  const verdicts = lines.filter((l) => /^(PASS|FAIL)\b/.test(l));
  assert.deepEqual(verdicts, ['PASS'], out);
});
