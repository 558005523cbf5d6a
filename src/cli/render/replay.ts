/** `gclip replay` output: the verdict and the compared quantities, or the `--json` object. Text only. */
import type { ChalkInstance } from 'chalk';
import { formatNumber } from '../../format.js';
import { ciSafeJson, neutralizeDeep } from '../../guard/neutralize.js';
import type { ReplayResult } from '../../train/replay.js';

const num = (x: number): string => formatNumber(x, { digits: 9 });

/** The verdict line, where the replay started, and one line per quantity beyond tolerance (or all, when few). */
export function renderReplay(raw: ReplayResult, c: ChalkInstance): string {
  const r = neutralizeDeep(raw);
  const from = r.from.kind === 'checkpoint' ? `the checkpoint before step ${r.from.step}` : 'the start (no checkpoint at or before the step; same seed and config)';
  const logged = r.loggedBackend ?? 'unknown';
  const rule = r.sameBackend ? `bit-equal required (same backend, ${r.backend})` : `relative tolerance ${formatNumber(r.rtol)} (run on ${logged}, replayed on ${r.backend})`;
  const lines = [`replayed step ${r.step} of ${r.runDir} from ${from}`, rule];
  if (r.agreed) {
    lines.push(c.green(`✔ ${r.quantities.length} quantities agree${r.sameBackend ? ' bit for bit' : ''}: loss, pre/post-clip norms, ${(r.quantities.length - 3) / 2} layers pre/post`));
  } else {
    const d = r.firstDifference!;
    lines.push(c.red(`✖ ${d.name} differs: logged ${num(d.logged)}, replayed ${num(d.replayed)} (relative difference ${formatNumber(d.relDiff)})`));
    const more = r.quantities.filter((q) => !q.within).length - 1;
    if (more > 0) lines.push(`  and ${more} more quantit${more === 1 ? 'y' : 'ies'} beyond the tolerance (--json lists all)`);
  }
  return lines.join('\n') + '\n';
}

/** The `--json` object: the `ReplayResult` (non-finite numbers as null). */
export function renderReplayJson(result: ReplayResult): string {
  return ciSafeJson(JSON.stringify(result, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)) + '\n';
}
