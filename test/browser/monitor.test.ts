/**
 * The browser build in headless Chromium (Debian's `chromium`, driven by playwright-core):
 * examples/browser trains with model.fit on cpu, wasm and webgl (SwiftShader); the monitor
 * stops the run with a planted NaN batch, the downloaded steps.jsonl passes
 * `gclip check --log`, and the webgl records agree with cpu's within float32 tolerance.
 * Skipped with a message when /usr/bin/chromium is absent (`.ci/install-chromium`).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRecord } from '../../src/log/codec.js';
import type { StepRecord } from '../../src/record.js';
import { gclip, ROOT } from '../helpers/cli.js';

const CHROMIUM = process.env.GCLIP_CHROMIUM ?? '/usr/bin/chromium';
const present = existsSync(CHROMIUM) && existsSync(join(ROOT, 'dist/browser/gclip.js'));
if (!present) console.warn(`skipping the browser monitor test: ${CHROMIUM} or dist/browser/gclip.js not found (run .ci/install-chromium and npm run build, or set GCLIP_CHROMIUM)`);

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };
/** Only these folders of the repository are served. */
const SERVED = ['/examples/', '/dist/browser/', '/node_modules/@tensorflow/'];

/** Largest relative difference of the webgl numbers from cpu's (|a−b| / max(|b|, 1e-3)), over 16 steps of SGD (measured: 5e-7). */
const WEBGL_TOLERANCE = 1e-4;

interface PageResult {
  readonly backend: string;
  readonly clean: string;
  readonly planted: string;
  readonly summary: { status: string; steps: number };
  readonly halted: { status: string; reason: string; steps: number };
  readonly downloaded: string;
}

function serve(): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (!SERVED.some((p) => path.startsWith(p))) return void res.writeHead(404).end();
    readFile(join(ROOT, path)).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as { port: number }).port}` })));
}

const records = (jsonl: string): StepRecord[] => jsonl.trim().split('\n').map((l) => decodeRecord(l));

function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-3);
}

describe.skipIf(!present)('monitor() in headless Chromium', () => {
  let browser: Browser;
  let server: Server;
  let origin = '';
  const results: Record<string, PageResult> = {};
  beforeAll(async () => {
    ({ server, origin } = await serve());
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  async function trainIn(backend: string): Promise<PageResult> {
    const page = await browser.newPage({ acceptDownloads: true });
    const errors: string[] = [];
    page.on('pageerror', (e) => void errors.push(String(e)));
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    await page.goto(`${origin}/examples/browser/index.html?backend=${backend}`);
    await page.waitForFunction('window.gclipResult !== undefined || document.querySelector("#status").textContent.startsWith("Error")', undefined, { timeout: 90_000 }).catch(() => {});
    expect(errors, errors.join('\n')).toEqual([]);
    const result = (await page.evaluate('window.gclipResult')) as Omit<PageResult, 'downloaded'>;
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const downloaded = await readFile(await download.path(), 'utf8');
    expect(await page.locator('svg.gclip-chart').getAttribute('data-steps')).toBe(String(result.summary.steps));
    await page.close();
    return (results[backend] = { ...result, downloaded });
  }

  for (const backend of ['cpu', 'wasm', 'webgl']) {
    it(`trains with fit on ${backend}, halts on the planted NaN, and its downloaded log passes gclip check`, async () => {
      const r = await trainIn(backend);
      expect(r.backend).toBe(backend);
      expect(r.summary).toMatchObject({ status: 'ok', steps: 16 });
      expect(r.downloaded).toBe(r.clean);
      const dir = await mkdtemp(join(tmpdir(), `gclip-browser-${backend}-`));
      await writeFile(join(dir, 'clean.jsonl'), r.downloaded);
      const check = gclip(['check', '--log', join(dir, 'clean.jsonl')]);
      expect(check.code, check.stdout + check.stderr).toBe(0);
      // The NaN is in batch 3: the monitor halts there and fit stops.
      const planted = records(r.planted);
      expect(r.halted.status).toBe('halted');
      expect(planted).toHaveLength(4);
      expect(planted[3]!.events[0]).toMatchObject({ kind: 'nonfinite', step: 3 });
      await writeFile(join(dir, 'planted.jsonl'), r.planted);
      const failed = gclip(['check', '--log', join(dir, 'planted.jsonl')]);
      expect(failed.code, failed.stderr).toBe(1);
      expect(failed.stdout).toMatch(/nonfinite/);
    });
  }

  it(`agrees on webgl with cpu within ${WEBGL_TOLERANCE} relative`, () => {
    const cpu = records(results.cpu?.clean ?? '');
    const webgl = records(results.webgl?.clean ?? '');
    expect(webgl).toHaveLength(16);
    let worst = 0;
    for (let i = 0; i < cpu.length; i++) {
      const [a, b] = [webgl[i]!, cpu[i]!];
      const pairs: [number, number][] = [[a.loss, b.loss], [a.preClipNorm, b.preClipNorm], [a.postClipNorm, b.postClipNorm], ...Object.keys(b.layerNorms).map((k): [number, number] => [a.layerNorms[k]!, b.layerNorms[k]!])];
      for (const [x, y] of pairs) worst = Math.max(worst, relDiff(x, y));
      expect(a.clipped).toBe(b.clipped);
    }
    console.log(`webgl vs cpu: largest relative difference ${worst.toExponential(2)} over ${cpu.length} steps`);
    expect(worst).toBeLessThanOrEqual(WEBGL_TOLERANCE);
  });
});
