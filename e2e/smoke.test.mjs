import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './lib.mjs';

test('chromium starts and runs a page', async () => {
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.setContent('<p id=x>ok</p>');
    assert.equal(await page.textContent('#x'), 'ok');
  } finally {
    await browser.close();
  }
});
