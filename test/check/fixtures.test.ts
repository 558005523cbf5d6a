/**
 * The committed fixtures in fixtures/logs/: the pass/fail logs of each format are judged as
 * expected with the default criteria, and malformed logs are exit-2 errors naming file and line.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/check/criteria.js';
import { loadLog } from '../../src/log/read.js';
import { checkSchema } from '../../src/check/schema.js';
import { GclipError } from '../../src/errors.js';

const dir = 'fixtures/logs/';
const read = (p: string): Promise<string> => readFile(p, 'utf8');
const defaults = checkSchema.parse({});

async function judge(name: string, clipNorm?: number) {
  const log = await loadLog(dir + name, read, clipNorm === undefined ? {} : { clipNorm });
  return { log, result: evaluate(log.records, defaults) };
}

const failedNames = (r: ReturnType<typeof evaluate>): string[] => r.criteria.filter((c) => !c.passed).map((c) => c.name);

describe('passing and failing fixtures', () => {
  it.each([
    ['steps-pass.jsonl', 'gclip', 100],
    ['metrics-pass.csv', 'csv', 100],
    ['trainer_state-pass.json', 'hf', 100],
  ] as const)('%s passes every default criterion', async (name, format, steps) => {
    const { log, result } = await judge(name, 1.05);
    expect(log.format).toBe(format);
    expect(log.notes).toEqual([]);
    expect(result.steps).toBe(steps);
    expect(failedNames(result)).toEqual([]);
    expect(result.passed).toBe(true);
  });

  it.each([
    // gclip records carry the skipped flag; foreign logs cannot express it.
    ['steps-fail.jsonl', ['nonfinite', 'spikes', 'skipped', 'loss_ratio', 'divergence']],
    ['metrics-fail.csv', ['nonfinite', 'spikes', 'loss_ratio', 'divergence']],
    ['trainer_state-fail.json', ['nonfinite', 'spikes', 'loss_ratio', 'divergence']],
  ] as const)('%s fails the criteria it was built to break', async (name, expected) => {
    const { result } = await judge(name, 1.05);
    expect(failedNames(result)).toEqual(expected);
    expect(result.passed).toBe(false);
  });

  it('reads the HF NaN literal, eval entries, extra fields and the closing summary entry', async () => {
    const { log } = await judge('trainer_state-fail.json');
    const nan = log.records.find((r) => r.step === 860);
    expect(nan?.loss).toBeNaN();
    expect(nan?.events).toEqual([{ kind: 'nonfinite', step: 860, what: ['loss', 'grad_norm'], layer: null }]);
    // eval entries every 50 steps attach as valLoss; the summary entry (train_loss) is not a step.
    expect(log.records.filter((r) => r.valLoss !== null).map((r) => r.step)).toEqual([50, 100, 150, 200, 250, 300, 350, 400, 450, 500, 550, 600, 650, 700, 750, 800, 850, 900, 950, 1000]);
    expect(log.records.at(-1)?.step).toBe(1000);
  });
});

/** Loads `name` and returns the GclipError it throws. */
async function failure(name: string, options?: Parameters<typeof loadLog>[2]): Promise<GclipError> {
  const err = await loadLog(dir + name, read, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof GclipError)) throw new Error(`expected a GclipError from ${name}, got ${String(err)}`);
  expect(err.exitCode).toBe(2);
  return err;
}

describe('malformed logs are exit-2 errors that name the file and line', () => {
  it('bad JSON on line 3 of a steps.jsonl', async () => {
    const e = await failure('malformed-bad-json.jsonl');
    expect(e.code).toBe('log_bad_json');
    expect(e.issues[0]?.source).toBe('fixtures/logs/malformed-bad-json.jsonl:3');
    expect(e.issues[0]?.message).toMatch(/^line 3 is not valid JSON: /);
  });

  it('a steps.jsonl record without preClipNorm', async () => {
    const e = await failure('malformed-bad-record.jsonl');
    expect(e.issues).toMatchInlineSnapshot(`
      [
        {
          "hint": "A step record needs numeric step, loss and preClipNorm.",
          "message": "line 2: preClipNorm is missing",
          "path": "preClipNorm",
          "source": "fixtures/logs/malformed-bad-record.jsonl:2",
        },
      ]
    `);
  });

  it('an empty steps.jsonl', async () => {
    expect((await failure('malformed-empty.jsonl')).code).toBe('log_no_rows');
  });

  it('a CSV without a gradient-norm column lists the columns it found', async () => {
    const e = await failure('malformed-missing-column.csv');
    expect(e.issues).toMatchInlineSnapshot(`
      [
        {
          "hint": "Name the column with --grad-norm-column (columns.gradNorm).",
          "message": "no gradNorm column: looked for grad_norm, grad_2.0_norm_total, grad_norm_total, train/grad_norm, gradient_norm; columns found: epoch, step, train_loss, train_acc",
          "path": "gradNorm",
          "source": "fixtures/logs/malformed-missing-column.csv:1",
        },
      ]
    `);
  });

  it('a misspelt column name gets the closest header as a did-you-mean and the flag to pass', async () => {
    const e = await failure('metrics-pass.csv', { columns: { loss: 'trian_loss' } });
    expect(e.issues[0]?.hint).toBe('Did you mean `train_loss`? Name the column with --loss-column (columns.loss).');
  });

  it('a non-numeric CSV cell names its line and column', async () => {
    const e = await failure('malformed-bad-value.csv');
    expect(e.issues[0]).toMatchObject({ source: 'fixtures/logs/malformed-bad-value.csv:4', path: 'grad_norm', message: 'column grad_norm must be a number, received "abc"' });
  });

  it('a CSV whose rows never have both a loss and a gradient norm', async () => {
    const e = await failure('malformed-no-rows.csv');
    expect(e.code).toBe('log_no_rows');
    expect(e.issues[0]?.message).toBe('no row has both a loss (train_loss) and a gradient norm (grad_norm)');
  });

  it('a truncated trainer_state.json names the line where parsing stopped', async () => {
    const e = await failure('malformed-truncated.json');
    expect(e.code).toBe('log_bad_json');
    expect(e.issues[0]?.source).toBe('fixtures/logs/malformed-truncated.json:33');
  });

  it('a trainer_state.json with only eval entries has no usable rows', async () => {
    const e = await failure('malformed-eval-only.json');
    expect(e.code).toBe('log_no_rows');
    expect(e.issues[0]?.message).toBe('log_history has 2 entries but none with a training loss');
  });

  it('a string grad_norm in trainer_state.json names the entry and its line', async () => {
    const e = await failure('malformed-bad-value.json');
    expect(e.issues[0]).toMatchObject({
      source: 'fixtures/logs/malformed-bad-value.json:18',
      path: 'log_history[2].grad_norm',
      message: 'log_history[2].grad_norm must be a number, received "1.1"',
    });
  });

  it('a trainer_state.json from a transformers version without grad_norm lists the fields found', async () => {
    const e = await failure('malformed-no-grad-norm.json');
    expect(e.code).toBe('log_missing_column');
    expect(e.issues[0]?.message).toBe('no training entry has grad_norm; fields found: epoch, learning_rate, loss, step');
    expect(e.issues[0]?.source).toBe('fixtures/logs/malformed-no-grad-norm.json:4');
  });

  it('a missing file', async () => {
    const e = await failure('does-not-exist.csv');
    expect(e.code).toBe('file_not_found');
    expect(e.issues[0]?.message).toBe('log file not found: fixtures/logs/does-not-exist.csv');
  });
});
