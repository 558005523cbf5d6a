/**
 * `npm run test:golden`: runs every case of the golden files (`paths.ts`: the public file or
 * `$GCLIP_GOLDEN`, plus fixtures/golden/clip-extra.json) through the library and prints, per
 * file, one line per failing case and its counts, and finally exactly
 * `N passed, N failed, 0 skipped` over all files (nothing is ever skipped: a kind or option
 * this build cannot run fails). Exit code 1 when any case failed, 2 when a file is unreadable.
 *
 * Runs on the pure-JS cpu backend (deterministic, always available) unless `$GCLIP_BACKEND`
 * names another (wasm, node).
 */
import { readFileSync } from 'node:fs';
import { initBackend } from '../runtime/backend.js';
import { backendSchema } from '../config/schema.js';
import { checkCase, summarise, type CaseResult } from './cases.js';
import { parseGoldenFile } from './format.js';
import { goldenPaths } from './paths.js';

/** Failure details printed per case (the rest are counted). */
const MAX_DETAILS = 8;

function report(results: readonly CaseResult[]): void {
  for (const r of results) {
    if (r.status !== 'fail') continue;
    const more = r.details.length > MAX_DETAILS ? `; … ${r.details.length - MAX_DETAILS} more` : '';
    console.log(`FAIL ${r.id} (${r.strategy}): ${r.details.slice(0, MAX_DETAILS).join('; ')}${more}`);
  }
}

async function main(): Promise<number> {
  const backend = await initBackend(backendSchema.parse(process.env.GCLIP_BACKEND ?? 'cpu'));
  const all: CaseResult[] = [];
  for (const path of goldenPaths(process.env, process.cwd())) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      console.error(`cannot read the golden file ${path}: ${(e as Error).message}. Set GCLIP_GOLDEN to the public golden JSON file.`);
      return 2;
    }
    const results = parseGoldenFile(text).cases.map(checkCase);
    const s = summarise(results);
    console.log(`golden file ${path} on backend ${backend.name}: ${s.passed} passed, ${s.failed} failed`);
    report(results);
    all.push(...results);
  }
  const s = summarise(all);
  console.log(`${s.passed} passed, ${s.failed} failed, 0 skipped`);
  return s.failed > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exitCode = 1;
  },
);
