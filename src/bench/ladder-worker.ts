/**
 * One rung of the size ladder on one backend, in a fresh process (`node
 * dist/bench/ladder-worker.js '<json>'`), so that its peak RSS is the rung's own: the plain
 * tfjs loop and gclip interleaved step by step (`loops.ts`' `timeRounds`, sized by a probe:
 * the second step of a 2-step plain run, refined by a warmer run when short, see `probe`). A
 * rung whose probe step exceeds `capMs` is skipped, with the time as the reason.
 * Prints one JSON line (a `LadderWorkerResult`).
 */
import { initBackend, type Concrete } from '../runtime/backend.js';
import { ladderRung, rungConfig, type LadderRung } from './ladder.js';
import { timePlain, timeRounds, type RoundSettings } from './loops.js';
import { medianMs } from './stats.js';

/** What the parent asks: a rung (its id in `LADDER`), a backend, the rounds and the cap. */
export interface LadderWorkerRequest extends RoundSettings {
  readonly rung: string;
  readonly backend: Concrete;
  /** A plain step slower than this (ms, the second step of a probe run) skips the rung. */
  readonly capMs: number;
}

/** Medians of the rung's two loops (wall and process CPU ms), or why there are none. */
export interface LadderWorkerResult {
  readonly rung: string;
  readonly backend: Concrete;
  /** Measured; false when the backend did not load, the rung failed or was over the cap. */
  readonly available: boolean;
  readonly reason?: string;
  readonly plainMs?: number;
  readonly gclipMs?: number;
  readonly plainCpuMs?: number;
  readonly gclipCpuMs?: number;
  readonly stepsPerRound?: number;
  readonly gclipStatus?: string;
  /** The process's peak resident set (both loops' models, data and the backend), MB. */
  readonly rssMb: number;
  /** The probe's plain step (ms): set when the rung was skipped for it. */
  readonly probeMs?: number;
}

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

/** A cold probe step under this (ms) is measured again, warm. */
const REFINE_MS = 50;

/**
 * A plain step of `rung` (ms): the second step of a 2-step run, for the cap; when that is
 * short, the median of steps 5–8 of a further run instead. Right after process start a small
 * rung's step is 3–10× its warm time (V8 has not compiled the loops yet), so a cold probe
 * sized mlp-10k's quick round at 4–30 cold steps, which read gclip at 1.2× plain where warm
 * steps read 0.9× (issue #22). The refinement costs at most 8 short steps.
 */
function probe(rung: LadderRung, backend: Concrete): number {
  const cold = medianMs(timePlain(rungConfig(rung, 2, backend), 1).stepMs);
  return cold > REFINE_MS ? cold : medianMs(timePlain(rungConfig(rung, 8, backend), 4).stepMs);
}
const log = (s: string) => process.stderr.write(`${s}\n`);

/** Times `request`'s rung on the active backend. */
export async function runLadderWorker(q: LadderWorkerRequest): Promise<LadderWorkerResult> {
  const base = { rung: q.rung, backend: q.backend };
  const rung = ladderRung(q.rung);
  if (!rung) return { ...base, available: false, reason: `unknown rung ${q.rung}`, rssMb: peakRssMb() };
  try {
    await initBackend(q.backend);
  } catch (e) {
    return { ...base, available: false, reason: (e as Error).message.split('\n')[0]!, rssMb: peakRssMb() };
  }
  try {
    const probeMs = probe(rung, q.backend);
    if (probeMs > q.capMs) {
      log(`  ${q.backend} ${q.rung}: skipped, a plain step took ${probeMs.toFixed(0)} ms (cap ${q.capMs} ms)`);
      return { ...base, available: false, reason: `a plain step took ${probeMs.toFixed(0)} ms, over the ${q.capMs} ms cap`, probeMs, rssMb: peakRssMb() };
    }
    const t = await timeRounds((steps) => rungConfig(rung, steps, q.backend), q.backend, q, probeMs);
    log(`  ${q.backend} ${q.rung}: plain ${t.plainMs.toFixed(2)} ms, gclip ${t.gclipMs.toFixed(2)} ms; cpu ${t.plainCpuMs.toFixed(2)} / ${t.gclipCpuMs.toFixed(2)} ms`);
    const { plainMs, gclipMs, plainCpuMs, gclipCpuMs, stepsPerRound, status } = t;
    return { ...base, available: true, plainMs, gclipMs, plainCpuMs, gclipCpuMs, stepsPerRound, gclipStatus: status, rssMb: peakRssMb() };
  } catch (e) {
    return { ...base, available: false, reason: (e instanceof Error ? e.message : String(e)).split('\n')[0]!, rssMb: peakRssMb() };
  }
}

const request = JSON.parse(process.argv[2] ?? '{}') as LadderWorkerRequest;
process.stdout.write(JSON.stringify(await runLadderWorker(request)) + '\n');
