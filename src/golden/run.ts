/**
 * `npm run test:golden`: runs every case of a golden file through the library and prints
 * one line per failing case, the skipped kinds, and finally exactly
 * `N passed, N failed, N skipped`. Exit code 1 when any case failed.
 *
 * The file is `$GCLIP_GOLDEN`, default `../shared/golden/clip-public.json` resolved from the
 * project root (the current directory). Runs on the pure-JS cpu backend (deterministic,
 * always available) unless `$GCLIP_BACKEND` names another (wasm, node).
 */
import { readFileSync } from 'node:fs';
import { initBackend } from '../runtime/backend.js';
import { backendSchema } from '../config/schema.js';
import { checkCase, summarise } from './cases.js';
import { parseGoldenFile } from './format.js';
import { goldenPath } from './paths.js';

/** Failure details printed per case (the rest are counted). */
const MAX_DETAILS = 8;

async function main(): Promise<number> {
  const backend = await initBackend(backendSchema.parse(process.env.GCLIP_BACKEND ?? 'cpu'));
  const path = goldenPath(process.env, process.cwd());
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    console.error(`cannot read the golden file ${path}: ${(e as Error).message}. Set GCLIP_GOLDEN to a golden JSON file.`);
    return 2;
  }
  console.log(`golden file ${path} on backend ${backend.name}`);
  const file = parseGoldenFile(text);
  const results = file.cases.map(checkCase);
  for (const r of results) {
    if (r.status !== 'fail') continue;
    const more = r.details.length > MAX_DETAILS ? `; … ${r.details.length - MAX_DETAILS} more` : '';
    console.log(`FAIL ${r.id} (${r.strategy}): ${r.details.slice(0, MAX_DETAILS).join('; ')}${more}`);
  }
  const s = summarise(results);
  for (const kind of s.skippedKinds) console.log(`SKIP kind ${kind}: not implemented yet`);
  console.log(`${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
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
