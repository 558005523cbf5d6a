import { describe, expect, it } from 'vitest';
import { GclipError } from '../errors.js';
import { thrownGclipError } from '../../test/helpers/errors.js';
import { encodeRecord } from './codec.js';
import { foreignRecord } from './foreign.js';
import { parseNumberCell } from './number-text.js';
import { detectLogFormat, loadLog, parseLog } from './read.js';

const thrown = thrownGclipError;

describe('detectLogFormat', () => {
  it.each([
    ['runs/a/steps.jsonl', '', 'gclip'],
    ['x.ndjson', '', 'gclip'],
    ['lightning_logs/version_0/metrics.csv', '', 'csv'],
    ['checkpoint-500/trainer_state.json', '', 'hf'],
    ['log.txt', '{"log_history": []}', 'hf'],
    ['log.txt', '{"step": 1}\n', 'gclip'],
    ['log.txt', 'step,loss\n', 'csv'],
  ] as const)('%s with %j is %s', (file, text, format) => {
    expect(detectLogFormat(text, file)).toBe(format);
  });

  it('lets options.format override the guess', () => {
    expect(detectLogFormat('', 'metrics.csv', { format: 'hf' })).toBe('hf');
  });
});

describe('parseNumberCell', () => {
  it.each([
    ['1.5', 1.5],
    [' 2e-3 ', 0.002],
    ['-.5', -0.5],
    ['nan', Number.NaN],
    ['NaN', Number.NaN],
    ['inf', Infinity],
    ['-Infinity', -Infinity],
    ['', undefined],
    ['abc', null],
    ['0x10', null],
    ['1,5', null],
  ] as const)('%j → %s', (text, value) => {
    expect(parseNumberCell(text)).toBe(value);
  });
});

describe('gclip steps.jsonl', () => {
  it('round-trips records written by log/codec, NaN included, and keeps unknown fields', () => {
    const a = foreignRecord({ step: 1, loss: Number.NaN, gradNorm: Infinity });
    const text = `${encodeRecord(a)}\n\n${JSON.stringify({ step: 2, loss: 1, preClipNorm: 2, newField: 'x' })}\n`;
    const { records } = parseLog(text, 'steps.jsonl');
    expect(records[0]).toEqual(a);
    expect(records[1]).toMatchObject({ step: 2, postClipNorm: 2, clipped: false, skipped: false, events: [], newField: 'x' });
  });

  it('names the line and the received value of a wrongly typed field', () => {
    const e = thrown(() => parseLog('{"step":1,"loss":1,"preClipNorm":1}\n{"step":2,"loss":"low","preClipNorm":1}\n', 'runs/s.jsonl'));
    expect(e.issues[0]).toMatchObject({ source: 'runs/s.jsonl:2', path: 'loss' });
    expect(e.issues[0]?.message).toMatch(/^line 2: loss is invalid \(.*\), received "low"$/);
  });
});

describe('CSV logs', () => {
  it('merges sparse rows by step: valLoss and per-layer norms join the training row', () => {
    const csv = [
      'epoch,grad_2.0_norm/fc.weight,grad_2.0_norm_total,lr-SGD,step,train_loss,val_loss',
      '0,0.5,0.7,0.1,9,1.2,',
      '0,,,,9,,1.3',
      '0,0.4,0.6,0.1,19,1.1,',
    ].join('\n');
    const { records, notes } = parseLog(csv, 'metrics.csv');
    expect(notes).toEqual([]);
    expect(records).toEqual([
      { ...foreignRecord({ step: 9, loss: 1.2, gradNorm: 0.7, lr: 0.1, valLoss: 1.3 }), layerNorms: { 'fc.weight': 0.5 } },
      { ...foreignRecord({ step: 19, loss: 1.1, gradNorm: 0.6, lr: 0.1 }), layerNorms: { 'fc.weight': 0.4 } },
    ]);
  });

  it('finds default column names case-insensitively and ignores extra columns', () => {
    const { records } = parseLog('Step,Train_Loss,Grad_Norm,accuracy,notes\n1,0.9,1.5,0.5,"a, quoted"\n', 'm.csv');
    expect(records[0]).toMatchObject({ step: 1, loss: 0.9, preClipNorm: 1.5 });
  });

  it('reads tab-separated values from a .tsv file', () => {
    expect(parseLog('step\tloss\tgrad_norm\n1\t0.9\t1.5\n', 'log.tsv').records[0]).toMatchObject({ step: 1, loss: 0.9, preClipNorm: 1.5 });
  });

  it('uses configured column names, and names a configured column that is absent', () => {
    const csv = 'it,objective,gnorm\n1,0.9,1.5\n';
    const { records } = parseLog(csv, 'm.csv', { columns: { step: 'it', loss: 'objective', gradNorm: 'gnorm' } });
    expect(records[0]).toMatchObject({ step: 1, loss: 0.9, preClipNorm: 1.5 });
    const e = thrown(() => parseLog(csv, 'm.csv', { columns: { loss: 'objective', gradNorm: 'gnorm', lr: 'learning' } }));
    expect(e.issues[0]?.message).toBe('no lr column: looked for learning; columns found: it, objective, gnorm');
  });

  it('numbers rows in order when there is no step column, and notes it', () => {
    const { records, notes } = parseLog('loss,grad_norm\n0.9,1\n0.8,nan\n', 'm.csv');
    expect(records.map((r) => r.step)).toEqual([0, 1]);
    expect(records[1]?.events).toEqual([{ kind: 'nonfinite', step: 1, what: ['grad_norm'], layer: null }]);
    expect(notes).toEqual(['no step column: steps are numbered by row order']);
  });

  it('leaves out steps with a loss but no gradient norm, and notes how many', () => {
    const { records, notes } = parseLog('step,loss,grad_norm\n1,0.9,1\n2,0.8,\n3,0.7,1.1\n', 'm.csv');
    expect(records.map((r) => r.step)).toEqual([1, 3]);
    expect(notes).toEqual(['1 step(s) with a loss but no gradient norm were left out']);
  });

  it('marks steps clipped when told the run clipped at clipNorm', () => {
    const { records } = parseLog('step,loss,grad_norm\n1,0.9,0.5\n2,0.8,4\n', 'm.csv', { clipNorm: 2 });
    expect(records.map((r) => [r.clipped, r.postClipNorm, r.clipCoef, r.threshold])).toEqual([
      [false, 0.5, 1, 2],
      [true, 2, 0.5, 2],
    ]);
  });

  it('reports broken CSV quoting with its line', () => {
    const e = thrown(() => parseLog('step,loss,grad_norm\n1,0.9,1\n2,"0.8,1\n', 'm.csv'));
    expect(e.code).toBe('log_bad_csv');
    expect(e.issues[0]?.source).toMatch(/^m\.csv:\d+$/);
  });
});

describe('HF trainer_state.json', () => {
  it('keeps training entries, attaches eval_loss by step and ignores eval, summary and extra fields', () => {
    const state = {
      global_step: 20,
      some_new_field: [1, 2],
      log_history: [
        { epoch: 0.5, grad_norm: 1.5, learning_rate: 5e-5, loss: 2.1, step: 10, num_tokens: 1000 },
        { epoch: 0.5, eval_loss: 2.2, eval_runtime: 1.2, step: 10 },
        { epoch: 1, grad_norm: 1.2, learning_rate: 0, loss: 1.9, step: 20, mean_token_accuracy: 0.4 },
        { epoch: 1, step: 20, train_loss: 2.0, train_runtime: 10, total_flos: 1e12 },
      ],
    };
    const { records, notes } = parseLog(JSON.stringify(state, null, 2), 'trainer_state.json');
    expect(notes).toEqual([]);
    expect(records).toEqual([
      foreignRecord({ step: 10, loss: 2.1, gradNorm: 1.5, lr: 5e-5, valLoss: 2.2 }),
      foreignRecord({ step: 20, loss: 1.9, gradNorm: 1.2, lr: 0 }),
    ]);
  });

  it('reads the bare NaN and Infinity that Python json.dump writes', () => {
    const text = '{"log_history": [{"loss": NaN, "grad_norm": Infinity, "step": 1}]}';
    const [r] = parseLog(text, 'trainer_state.json').records;
    expect(r?.loss).toBeNaN();
    expect(r?.preClipNorm).toBe(Infinity);
  });

  it('leaves out training entries without grad_norm when others have it, and notes it', () => {
    const text = JSON.stringify({ log_history: [{ loss: 2, step: 1 }, { loss: 1.9, grad_norm: 1, step: 2 }, { loss: 1.8, grad_norm: null, step: 3 }] });
    const { records, notes } = parseLog(text, 'trainer_state.json');
    expect(records.map((r) => r.step)).toEqual([2]);
    expect(notes).toEqual(['2 training entry(ies) without a grad_norm were left out']);
  });

  it('rejects a JSON document without log_history', () => {
    const e = thrown(() => parseLog('{"global_step": 3}', 'state.json'));
    expect(e.issues[0]).toMatchObject({ path: 'log_history', source: 'state.json' });
    expect(e.code).toBe('log_bad_format');
  });
});

describe('loadLog', () => {
  it('reads through the injected reader', async () => {
    const seen: string[] = [];
    const log = await loadLog('a/metrics.csv', async (p) => (seen.push(p), 'step,loss,grad_norm\n1,1,1\n'));
    expect(seen).toEqual(['a/metrics.csv']);
    expect(log.records).toHaveLength(1);
  });

  it('turns a reader failure other than ENOENT into file_unreadable', async () => {
    const err = await loadLog('dir', () => Promise.reject(Object.assign(new Error('EISDIR: illegal operation'), { code: 'EISDIR' }))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GclipError);
    expect((err as GclipError).code).toBe('file_unreadable');
  });
});
