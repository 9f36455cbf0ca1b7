import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  launchBrowser,
  skipWithoutChromium as skip,
  type TestBrowser,
} from '../helpers/browser.ts';
import { type ServeChild, startServeChild, waitFor200 } from '../helpers/serve.ts';

// The dashboard's history: charts read from the store go on across a restart of serve, the
// time range is chosen with buttons, and a store that cannot be reached shows a banner.

let dir: string;
let browser: TestBrowser;

async function serveOn(store: string): Promise<ServeChild> {
  const serve = await startServeChild([
    '--api',
    'demo',
    '--listen',
    '127.0.0.1:0',
    '--interval',
    '500ms',
    '--store',
    store,
  ]);
  await waitFor200(`${serve.url}readyz`, 15_000);
  return serve;
}

async function stop(serve: ServeChild): Promise<void> {
  serve.child.kill('SIGTERM');
  await Promise.race([serve.exited, new Promise((r) => setTimeout(r, 8000))]);
  serve.kill();
}

/** The first chart panel's data attributes, once it has drawn. */
async function firstPanel(page: TestBrowser['page']) {
  const panel = page.locator('#charts .chart-panel').first();
  await panel.locator('canvas').first().waitFor();
  return {
    points: Number(await panel.getAttribute('data-points')),
    first: Number(await panel.getAttribute('data-first')),
    step: await panel.getAttribute('data-step'),
  };
}

describe('dashboard history in a real browser', { skip, timeout: 120_000 }, () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fleetmon-dash-history-'));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps its charts across a restart of serve, and switches time ranges', async () => {
    const file = join(dir, 'history.db');
    const { page } = browser;
    const first = await serveOn(file);
    let before: number;
    try {
      await page.goto(first.url);
      await page.waitForFunction(() => {
        const panel = (globalThis as any).document.querySelector('#charts .chart-panel');
        return Number(panel?.dataset.points ?? 0) >= 3;
      });
      before = (await firstPanel(page)).first;
    } finally {
      await stop(first);
    }
    const restartedAt = Date.now();
    const second = await serveOn(file);
    try {
      await page.goto(second.url);
      const after = await firstPanel(page);
      assert.equal(after.step, 'raw');
      assert.ok(
        after.first <= before && after.first < restartedAt,
        'points from before the restart',
      );
      await page.locator('#ranges button[data-range="24h"]').click();
      await page.waitForFunction(() => {
        const panel = (globalThis as any).document.querySelector('#charts .chart-panel');
        return panel?.dataset.step === '60000';
      });
      assert.equal(
        await page.locator('#ranges button[data-range="24h"]').getAttribute('aria-pressed'),
        'true',
      );
      assert.equal(
        await page.locator('#ranges button[data-range="1h"]').getAttribute('aria-pressed'),
        'false',
      );
      assert.match(page.url(), /#range=24h$/);
      const day = await firstPanel(page);
      assert.ok(day.points >= 1);
      // The choice survives a reload.
      await page.reload();
      await page.waitForFunction(() => {
        const panel = (globalThis as any).document.querySelector('#charts .chart-panel');
        return panel?.dataset.step === '60000';
      });
      assert.deepEqual(browser.problems, []);
    } finally {
      await stop(second);
    }
  });

  it('shows a banner while the history store cannot be reached, and live data goes on', async () => {
    const { page } = browser;
    const serve = await serveOn('postgres://fleetmon@127.0.0.1:1/history');
    try {
      await page.goto(serve.url);
      const banner = page.locator('#store-banner');
      await banner.waitFor({ state: 'visible' });
      assert.match(
        (await banner.textContent()) ?? '',
        /History store unavailable.*unreachable.*Live data goes on/,
      );
      await page.locator('#cards .card').first().waitFor();
      // The charts still draw, from the scans as they come.
      await page.waitForFunction(() => {
        const panel = (globalThis as any).document.querySelector('#charts .chart-panel');
        return Number(panel?.dataset.points ?? 0) >= 2;
      });
    } finally {
      await stop(serve);
    }
  });
});
