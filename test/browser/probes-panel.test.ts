import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import { type RunningMock, startMock } from '../../src/mock/server.ts';
import { type ServeChild, startServeChild, waitFor200 } from '../helpers/serve.ts';

// The probes panel in Debian's Chromium: a row per configured probe with its verdict in words,
// and latency and offset charts for the one selected.
const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing: install Debian's chromium`;

let mock: RunningMock;
let serve: ServeChild;
let browser: Browser;
let dir: string;

describe('the probes panel in a real browser', { skip, timeout: 90_000 }, () => {
  before(async () => {
    mock = await startMock({ host: '127.0.0.1', instances: 5, clockSkewMs: 1500 });
    dir = await mkdtemp(join(tmpdir(), 'fleetmon-panel-'));
    const file = join(dir, 'fleetmon.yaml');
    await writeFile(
      file,
      `probes:\n  - { name: time, url: "${mock.url}/now", clock: { maxSkew: 1s }, interval: 1s }\n  - { name: list, url: "${mock.url}/servers", interval: 1s }\n`,
    );
    serve = await startServeChild([
      '--api',
      mock.url,
      '--listen',
      '127.0.0.1:0',
      '--interval',
      '2s',
      '--config',
      file,
    ]);
    await waitFor200(`${serve.url}readyz`, 15_000);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
      timeout: 30_000,
    });
  });

  after(async () => {
    await browser?.close().catch(() => {});
    serve?.kill();
    await mock?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('lists the probes with their verdicts and charts the one in trouble', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(msg.text());
    });
    await page.goto(serve.url);
    const time = page.locator('#probes tbody tr[data-probe="time"]');
    await time.locator('.verdict-skewed').waitFor({ timeout: 15_000 });
    assert.match(
      (await time.textContent()) ?? '',
      /Skewed.*\+1\.\d{3} s ± .*clock 1\.\d{3} s ahead/,
    );
    await page.locator('#probes tbody tr[data-probe="list"] .verdict-ok').waitFor();
    assert.equal(await page.locator('#probes-section').isVisible(), true);
    // The probe in trouble is selected first, and both its charts are drawn.
    assert.equal(await time.locator('button').getAttribute('aria-pressed'), 'true');
    await page.locator('#probe-latency canvas').waitFor();
    await page.locator('#probe-offset canvas').waitFor();
    assert.match((await page.locator('#probe-chart-title').textContent()) ?? '', /^time — GET /);
    await page.locator('#probes tbody tr[data-probe="list"] button').click();
    await page.waitForFunction(() =>
      (globalThis as any).document
        .querySelector('#probe-chart-title')
        ?.textContent?.startsWith('list'),
    );
    assert.deepEqual(problems, []);
    await page.close();
  });
});
