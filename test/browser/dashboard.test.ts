import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import {
  launchBrowser,
  skipWithoutChromium as skip,
  type TestBrowser,
} from '../helpers/browser.ts';
import { type ServeChild, startServeChild, waitFor200 } from '../helpers/serve.ts';

// The dashboard in Debian's Chromium against the built `fleetmon serve --api demo`.
const ARTIFACTS = fileURLToPath(new URL('../../tmp/test-artifacts/', import.meta.url));

let serve: ServeChild;
let browser: TestBrowser;
let page: Page;

describe('dashboard in a real browser', { skip, timeout: 120_000 }, () => {
  before(async () => {
    serve = await startServeChild(['--api', 'demo', '--listen', '127.0.0.1:0', '--interval', '1s']);
    await waitFor200(`${serve.url}readyz`, 15_000);
    browser = await launchBrowser();
    page = browser.page;
    await page.goto(serve.url);
    await page.locator('#cards .card').first().waitFor();
    assert.deepEqual(browser.problems, [], 'no script errors and no CSP violations');
  });

  after(async () => {
    await browser?.close();
    if (serve !== undefined) {
      serve.child.kill('SIGTERM');
      const exited = await Promise.race([
        serve.exited,
        new Promise((r) => setTimeout(r, 8000, null)),
      ]);
      serve.kill();
      assert.ok(exited !== null, 'serve stopped on SIGTERM');
    }
  });

  it('shows a card for every service of the demo fleet, with status in words', async () => {
    const health = (await (await fetch(`${serve.url}api/v1/health`)).json()) as {
      service: string;
      status: string;
    }[];
    assert.ok(health.length >= 5);
    for (const { service, status } of health) {
      const card = page.locator(`#cards .card[data-service="${service}"]`);
      await card.waitFor();
      const badge = (await card.locator('.badge').textContent()) ?? '';
      assert.match(badge, status === 'ok' ? /OK/ : /Flagged/, service);
      await page
        .locator(`#charts .chart-panel[data-service="${service}"] canvas`)
        .first()
        .waitFor();
    }
    const flagged = health.filter((h) => h.status === 'flagged').length;
    const verdict = (await page.locator('#verdict').textContent()) ?? '';
    assert.match(
      verdict,
      flagged > 0 ? new RegExp(`${flagged} of ${health.length} services flagged`) : /All/,
    );
  });

  it('updates live after a scan, without reloading the page', async () => {
    // A full reload would lose this marker. (Functions, not strings: the page's CSP forbids eval.)
    await page.evaluate(() => {
      (globalThis as any).stayed = true;
    });
    const seq = Number(await page.locator('#last-scan').getAttribute('data-seq'));
    await page.waitForFunction(
      (before) =>
        Number((globalThis as any).document.querySelector('#last-scan')?.getAttribute('data-seq')) >
        before,
      seq,
      { timeout: 15_000 },
    );
    assert.equal(await page.evaluate(() => (globalThis as any).stayed), true);
    assert.match((await page.locator('#conn').textContent()) ?? '', /Live/);
  });

  it('sorts the instance table by a column, both ways', async () => {
    const cpuValues = async () =>
      (await page.locator('#instances tbody tr td:nth-child(4)').allTextContents())
        .filter((t) => t !== '—')
        .map((t) => Number.parseFloat(t));
    await page.locator('#instances th button[data-sort="cpu"]').click();
    assert.equal(
      await page.locator('#instances th:nth-child(4)').getAttribute('aria-sort'),
      'descending',
    );
    const down = await cpuValues();
    assert.ok(down.length > 10);
    assert.deepEqual(
      down,
      [...down].sort((a, b) => b - a),
    );
    await page.locator('#instances th button[data-sort="cpu"]').click();
    assert.equal(
      await page.locator('#instances th:nth-child(4)').getAttribute('aria-sort'),
      'ascending',
    );
    const up = await cpuValues();
    assert.deepEqual(
      up,
      [...up].sort((a, b) => a - b),
    );
  });

  it('filters the table from a card and by search', async () => {
    const card = page.locator('#cards .card').first();
    const service = (await card.getAttribute('data-service')) ?? '';
    await card.locator('.card-link').click();
    const services = await page.locator('#instances tbody tr td:nth-child(2)').allTextContents();
    assert.ok(services.length > 0 && services.every((s) => s === service), service);
    await page.locator('#filter-service').selectOption('');
    const ip = (await page.locator('#instances tbody tr td.ip').first().textContent()) ?? '';
    await page.locator('#search').fill(ip);
    const ips = await page.locator('#instances tbody tr td.ip').allTextContents();
    assert.ok(ips.length >= 1 && ips.every((x) => x.includes(ip)));
    await page.locator('#search').fill('');
  });

  it('shows firing alerts in a banner and a list, and silences one from the page', async () => {
    // The demo fleet keeps three services short of healthy instances: ServiceFlagged fires
    // after 2 of 3 scans (1 s apart here).
    await page.locator('#alert-banner:not([hidden])').waitFor({ timeout: 15_000 });
    assert.match(
      (await page.locator('#alert-banner').textContent()) ?? '',
      /3 alerts firing: ServiceFlagged ×3/,
    );
    const row = page.locator('#alert-rows tr[data-state="firing"]').first();
    await row.locator('button', { hasText: 'Silence…' }).click();
    const form = page.locator('#alert-rows form.silence-form:not([hidden])');
    await form.locator('input').fill('browser test');
    await form.locator('button[type="submit"]').click();
    await page.locator('#silence-rows tr[data-silence]').waitFor();
    assert.match(
      (await page.locator('#silence-rows').textContent()) ?? '',
      /alertname="ServiceFlagged".*browser test/,
    );
    await page
      .locator('#alert-rows tr[data-state="firing"]', { hasText: '(silenced)' })
      .first()
      .waitFor();
    assert.match((await page.locator('#alert-banner').textContent()) ?? '', /1 held by a silence/);
    await page.locator('#silence-rows button', { hasText: 'Expire' }).click();
    await page.locator('#silence-rows td.empty').waitFor();
  });

  it('fits a phone screen and writes screenshots as test artifacts', async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-desktop.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    const overflow = Number(
      await page.evaluate(() => {
        const root = (globalThis as any).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      }),
    );
    assert.ok(overflow <= 0, `page is ${overflow}px wider than a phone`);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-phone.png') });
    assert.ok(existsSync(join(ARTIFACTS, 'dashboard-desktop.png')));
  });
});
