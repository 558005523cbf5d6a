/**
 * The heavy half of `gclip check`, imported lazily: get the records (train the config, or
 * read the log), judge them, then write JUnit, GitHub Actions output and the table or
 * `--json`. tfjs is only loaded when a config is trained.
 */
import { appendFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ChalkInstance } from 'chalk';
import { annotations, evaluate, parseBaseline, stepSummary, toJUnitXml, type Baseline, type CheckCriteria, type CheckResult, type CriterionResult } from '../check/index.js';
import { loadLog, stepNamer, withOutcomeBeside, type ClipKnowledge, type LogOptions } from '../log/index.js';
import type { RunConfig } from '../config/schema.js';
import { EXIT, inputError, isGclipError } from '../errors.js';
import { READ_LIMITS } from '../guard/limits.js';
import { neutralize } from '../guard/neutralize.js';
import { checkOutputFile } from '../guard/out-path.js';
import { readTextBounded } from '../guard/read-bounded.js';
import type { RunSummary, StepRecord } from '../record.js';
import { writeFileAtomic } from '../report/atomic.js';
import type { Sink } from '../report/sinks/types.js';
import { fsAccess } from './fs-access.js';
import type { CliIO } from './io.js';
import { renderCheckJson, renderCheckTable, type CheckSubject } from './render/check.js';

/** What to judge: a log file, or a config to train first. */
export type CheckInput =
  | { readonly kind: 'log'; readonly file: string; readonly options: LogOptions }
  | { readonly kind: 'run'; readonly config: RunConfig; readonly provenance?: Readonly<Record<string, string>>; readonly source: string; readonly overwrite: boolean; readonly quiet: boolean };

/** A normalised `gclip check` invocation. */
export interface CheckPlan {
  readonly input: CheckInput;
  readonly criteria: CheckCriteria;
  readonly baseline?: string;
  readonly junit?: string;
  readonly json: boolean;
}

export interface CheckRender {
  readonly io: CliIO;
  readonly errColor: ChalkInstance;
  readonly outColor: ChalkInstance;
}

interface Judged {
  readonly records: readonly StepRecord[];
  /** Whether the clip rate is known (a trained run's always is). */
  readonly clipping?: ClipKnowledge;
  readonly subject: CheckSubject;
  /** The trained run's summary (null when a log was read). */
  readonly summary?: RunSummary;
  /** Steps the trained config plans. */
  readonly planned?: number;
}

/**
 * An interrupted run is never a pass: its criteria were measured on part of a run. The
 * verdict gains a failing `completed` criterion (steps run vs planned), which the table,
 * `--json`, JUnit and the annotations all show.
 */
export function withCompletion(result: CheckResult, summary: RunSummary | undefined, planned: number): CheckResult {
  if (summary?.status !== 'interrupted') return result;
  const completed: CriterionResult = {
    name: 'completed',
    passed: false,
    value: summary.steps,
    bound: planned,
    reason: `${summary.reason ?? 'interrupted'}: ${summary.steps} of ${planned} steps ran; an interrupted run is never a pass`,
  };
  return { ...result, passed: false, criteria: [...result.criteria, completed] };
}

/** Runs a check plan; returns 0 when every criterion passed, 1 otherwise. Bad input throws (exit 2). */
export async function runCheckCommand(plan: CheckPlan, r: CheckRender): Promise<number> {
  // Read the baseline first: a bad one should fail before minutes of training.
  const baseline = plan.baseline === undefined ? undefined : await readBaseline(plan.baseline, r.io.cwd);
  if (plan.junit !== undefined) checkOutputFile(resolve(r.io.cwd, plan.junit), '--junit');
  const judged = plan.input.kind === 'log' ? await judgeLog(plan.input, r.io.cwd) : await judgeRun(plan.input, r);
  const result = withCompletion(evaluate(judged.records, plan.criteria, baseline, judged.clipping), judged.summary, judged.planned ?? 0);
  if (plan.junit !== undefined) await writeFileAtomic(resolve(r.io.cwd, plan.junit), toJUnitXml(result, { source: judged.subject.source }));
  const out = plan.json ? renderCheckJson(result, judged.subject) : renderCheckTable(result, judged.subject, r.outColor);
  r.io.out(out);
  if (r.io.env.GITHUB_ACTIONS === 'true') {
    // The runner reads workflow commands from stderr too; keep stdout one JSON object under --json.
    const commands = annotations(result, { file: judged.subject.source, notes: judged.subject.notes });
    if (commands.length > 0) (plan.json ? r.io.err : r.io.out)(commands.join('\n') + '\n');
    const summaryFile = r.io.env.GITHUB_STEP_SUMMARY;
    if (summaryFile) await appendFile(summaryFile, stepSummary(result, `gclip check ${judged.subject.source}`) + '\n');
  }
  return result.passed ? EXIT.ok : EXIT.unstable;
}

async function judgeLog(input: Extract<CheckInput, { kind: 'log' }>, cwd: string): Promise<Judged> {
  const read = await loadLog(input.file, (p) => readTextBounded(resolve(cwd, p), READ_LIMITS.log, p), input.options);
  // The summary beside a run's steps.jsonl says whether its strategy sets its clip rate (as report reads it).
  const { log } = await withOutcomeBeside(input.file, read, fsAccess(cwd));
  return { records: log.records, clipping: log.clipping, subject: { source: input.file, format: log.format, notes: log.notes } };
}

/** A sink that keeps every record in memory for judging. */
function collect(into: StepRecord[]): Sink {
  return { name: 'check', open: async () => {}, write: async (rec) => void into.push(rec), close: async () => {} };
}

async function judgeRun(input: Extract<CheckInput, { kind: 'run' }>, r: CheckRender): Promise<Judged> {
  const [{ initBackend }, { train }, { runSession }, { plannedSteps }, { createProgressSink }, { backendLine }] = await Promise.all([
    import('../runtime/backend.js'),
    import('../train/run.js'),
    import('../train/session.js'),
    import('../train/setup.js'),
    import('./render/progress.js'),
    import('./run-train.js'),
  ]);
  const { config, quiet } = input;
  const choice = await initBackend(config.backend);
  if (!quiet) r.io.err(r.errColor.dim(backendLine(choice)) + '\n');
  const records: StepRecord[] = [];
  const planned = plannedSteps(config);
  const progress = createProgressSink({ io: r.io, color: r.errColor, totalSteps: planned, every: config.log.every, quiet });
  const sinks = [collect(records), progress];
  const common = { backend: choice.name, sinks, signal: r.io.signal, provenance: input.provenance };
  // Keep a run directory only when asked (--out or log.out): CI wants the verdict, not files.
  const summary = config.log.out === undefined
    ? await train(config, common)
    : await runSession(config, { ...common, cwd: r.io.cwd, startedAt: new Date(), overwrite: input.overwrite });
  if (summary.runDir && !quiet) r.io.err(r.errColor.dim(`run directory: ${neutralize(summary.runDir)}`) + '\n');
  // The run's own strategy (a plugin's too) said whether it sets its clip rate.
  const clipping: ClipKnowledge = summary.clipRateByDesign ? 'by-design' : 'recorded';
  return { records, clipping, summary, planned, subject: { source: input.source, format: 'run', notes: runNotes(summary) } };
}

/** A run that did not end ok is worth a warning even when the criteria pass. */
function runNotes(summary: RunSummary): string[] {
  if (summary.status === 'ok') return [];
  const where = summary.firstBadStep === null ? '' : ` at ${stepNamer(summary.injected ?? [])(summary.firstBadStep)}`;
  return [`training ${summary.status}${where}${summary.reason ? `: ${summary.reason}` : ''}`];
}

async function readBaseline(file: string, cwd: string): Promise<Baseline> {
  let text: string;
  try {
    text = await readTextBounded(resolve(cwd, file), READ_LIMITS.summary, file);
  } catch (e) {
    if (isGclipError(e)) throw e;
    const missing = (e as { code?: string }).code === 'ENOENT';
    throw inputError(missing ? 'file_not_found' : 'file_unreadable', {
      path: '',
      message: missing ? `baseline file not found: ${file}` : `cannot read baseline file ${file}: ${(e as Error).message}`,
      hint: 'Pass the summary.json of an earlier run (gclip train --out DIR, or gclip check --out DIR, writes DIR/summary.json).',
      source: '--baseline',
    });
  }
  return parseBaseline(text, file);
}
