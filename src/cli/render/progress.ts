/**
 * Terminal progress as a Sink: a live bar on a TTY (cli-progress), a line every N steps
 * otherwise, and one coloured line per event as it happens. Writes to stderr only.
 */
import cliProgress from 'cli-progress';
import type { ChalkInstance } from 'chalk';
import type { RunEvent, StepRecord } from '../../record.js';
import type { Sink } from '../../report/sinks/types.js';
import { describe } from '../../train/policy.js';
import type { CliIO } from '../io.js';
import { neutralize } from '../../guard/neutralize.js';
import { num, pct } from './format.js';

export interface ProgressOptions {
  readonly io: CliIO;
  readonly color: ChalkInstance;
  readonly totalSteps: number;
  /** Line interval when stderr is not a TTY. */
  readonly every: number;
  /** No bar and no periodic lines; event lines still print. */
  readonly quiet: boolean;
}

function eventLine(e: RunEvent, c: ChalkInstance): string {
  if (e.kind === 'injected') return c.blue(`↯ ${neutralize(describe(e))} (on purpose: the events at this step are its consequences)`);
  const warning = e.kind === 'spike' || e.kind === 'updateRatio' || e.kind === 'lossSpike';
  const paint = warning ? c.yellow : c.red;
  return paint(`${warning ? '⚠' : '✖'} ${neutralize(describe(e))}`);
}

/** Event lines printed per kind before the rest are counted silently (all are in steps.jsonl). */
const EVENT_LINES_PER_KIND = 5;

function statusText(r: StepRecord, clipped: number): string {
  return `loss ${num(r.loss)}  norm ${num(r.preClipNorm)}  clipped ${pct(clipped / (r.step + 1))}`;
}

/** The progress sink. `quiet` keeps event lines but drops the bar and periodic lines. */
export function createProgressSink(o: ProgressOptions): Sink {
  const live = o.io.errIsTTY && o.io.errStream !== undefined && !o.quiet;
  const bar = live
    ? new cliProgress.SingleBar(
        { stream: o.io.errStream, format: 'step {value}/{total} {bar} {percentage}% | {status} | eta {eta_formatted}', hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let clipped = 0;
  const printed: Record<string, number> = {};
  const say = (text: string, r: StepRecord) => {
    bar?.stop();
    o.io.err(text + '\n');
    bar?.start(o.totalSteps, r.step, { status: statusText(r, clipped) });
  };
  return {
    name: 'progress',
    async open() {
      bar?.start(o.totalSteps, 0, { status: '' });
    },
    async write(r) {
      if (r.clipped) clipped++;
      for (const e of r.events) {
        const n = (printed[e.kind] = (printed[e.kind] ?? 0) + 1);
        if (n <= EVENT_LINES_PER_KIND) say(eventLine(e, o.color), r);
        if (n === EVENT_LINES_PER_KIND) say(o.color.dim(`  (further ${e.kind} events are counted in the summary and logged in steps.jsonl)`), r);
      }
      if (bar) bar.update(r.step + 1, { status: statusText(r, clipped) });
      else if (!o.quiet && ((r.step + 1) % o.every === 0 || r.step + 1 === o.totalSteps)) {
        o.io.err(o.color.dim(`step ${r.step + 1}/${o.totalSteps}  ${statusText(r, clipped)}`) + '\n');
      }
    },
    async close() {
      bar?.stop();
    },
  };
}
