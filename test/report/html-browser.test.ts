/**
 * Opens HTML reports in headless Chromium (Debian's `chromium`, driven by playwright-core):
 * the charts render (uPlot roots and canvases present, legends labelled), the console has
 * no errors, the page makes no network request, and a screenshot is saved for a person to
 * look at (path printed). Skipped with a message when /usr/bin/chromium is absent
 * (`.ci/install-chromium` installs it).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReport } from './harness.js';
import { writeLongRun } from './long-run.js';

const CHROMIUM = process.env.GCLIP_CHROMIUM ?? '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present) console.warn(`skipping the HTML report browser test: ${CHROMIUM} not found (run .ci/install-chromium, or set GCLIP_CHROMIUM)`);

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

describe.skipIf(!present)('HTML report in headless Chromium', () => {
  let dir = '';
  let browser: BrowserContext;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gclip-report-html-'));
    browser = await chromium.launchPersistentContext(join(dir, 'profile'), { executablePath: CHROMIUM, headless: true, args: ARGS });
  });
  afterAll(async () => browser?.close());

  /** Opens `file`, waits for the client script, returns what the page showed. */
  async function open(file: string, shot: string) {
    const page = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    page.on('pageerror', (e) => void errors.push(String(e)));
    page.on('request', (r) => void (r.url().startsWith('file:') || requests.push(r.url())));
    await page.setViewportSize({ width: 1200, height: 900 });
    await page.goto(`file://${file}`);
    await page.waitForSelector('body[data-charts-ready]', { timeout: 20_000 });
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot: ${shot}`);
    const result = {
      ready: await page.getAttribute('body', 'data-charts-ready'),
      roots: await page.locator('.uplot').count(),
      canvases: await page.locator('.uplot canvas').count(),
      legend: await page.locator('.u-legend .u-label').allTextContents(),
      charts: (await page.evaluate('window.gclipCharts')) as { id: string; points: number; series: string[]; axes: string[] }[],
      errors,
      requests,
    };
    await page.close();
    return result;
  }

  it('renders loss, norm and per-layer charts of a 100k-step run with threshold and labels', async () => {
    await writeLongRun(dir, 100_000);
    const html = join(dir, 'long.html');
    expect((await runReport([dir, '--html', html])).code).toBe(0);
    const page = await open(html, join(dir, 'long.png'));
    expect(page.errors).toEqual([]);
    expect(page.requests).toEqual([]);
    expect(page.ready).toBe('3');
    expect(page.roots).toBe(3);
    expect(page.canvases).toBe(3);
    expect(page.legend).toEqual(expect.arrayContaining(['loss', 'pre-clip norm', 'post-clip norm', 'clip threshold', 'rnn', 'dense', 'head']));
    expect(page.charts.map((c) => [c.id, c.axes])).toEqual([
      ['chart-loss', ['step', 'loss']],
      ['chart-norm', ['step', 'gradient norm (log scale)']],
      ['chart-layers', ['step', 'per-layer pre-clip norm (log scale)']],
    ]);
    // Downsampled: at most 9 points per bucket of 1500, far fewer than the 100k steps.
    expect(page.charts[0]!.points).toBeLessThan(13_500);
    const text = await readFile(html, 'utf8');
    expect(text).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });

  it('renders the sweep chart with the recommended point in the legend', async () => {
    const html = join(dir, 'sweep.html');
    expect((await runReport(['fixtures/runs/sweep/sweep.json', '--html', html])).code).toBe(0);
    const page = await open(html, join(dir, 'sweep.png'));
    expect(page.errors).toEqual([]);
    expect(page.roots).toBe(1);
    // The fixture's baseline diverged (final loss NaN), so it is a note, not a line.
    expect(page.legend).toEqual(['max norm', 'final loss: norm', 'recommended (max norm 1)']);
    expect(await readFile(html, 'utf8')).toContain('The unclipped baseline did not finish with a finite loss (final loss NaN, 0/3 seeds stable)');
    expect(page.charts[0]?.axes).toEqual(['clip threshold (max norm, log scale)', 'final loss']);
  });

  it('renders a short exploding run (divergence marker, log-scale loss)', async () => {
    const html = join(dir, 'exploding.html');
    expect((await runReport(['fixtures/runs/exploding-rnn', '--html', html])).code).toBe(0);
    const page = await open(html, join(dir, 'exploding.png'));
    expect(page.errors).toEqual([]);
    expect(page.roots).toBe(3);
    expect(page.charts[0]?.axes).toEqual(['step', 'loss (log scale)']);
  });
});
