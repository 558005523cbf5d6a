/**
 * The size ladder's untimed pieces: each rung's parameter count against the model gclip
 * builds from its config, the FLOP count against hand counts (and the issue's ~270 MFLOP
 * MLP), the JSON rows' contract, and the chart parsed back as XML. No timing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import sax from 'sax';
import { tf } from '../runtime/tf.js';
import { buildPlan } from '../train/setup.js';
import { LADDER, rungConfig, rungFlops, rungParams, type LadderRung, type RungSpec } from './ladder.js';
import { chartPoints, renderLadderChart } from './ladder-chart.js';
import { ladderRows, renderLadderTable, type LadderMeasurements } from './ladder-report.js';
import type { LadderWorkerResult } from './ladder-worker.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const at = (spec: RungSpec, batch: number): LadderRung => ({ id: 'x', label: 'x', batch, spec });

describe('ladder rungs', () => {
  it('has the issue\'s sizes: MLP ~10k, 100k, 1M; LSTM 32/64/128 × T 20/50; CNN 8/32 filters × 16/32 px', () => {
    const mlp = LADDER.filter((r) => r.spec.kind === 'mlp').map(rungParams);
    expect(mlp.map((p) => Math.round(Math.log10(p)))).toEqual([4, 5, 6]);
    expect(LADDER.filter((r) => r.spec.kind === 'lstm').map((r) => r.id)).toEqual(['lstm-32-t20', 'lstm-64-t20', 'lstm-128-t20', 'lstm-32-t50', 'lstm-64-t50', 'lstm-128-t50']);
    expect(LADDER.filter((r) => r.spec.kind === 'cnn').map((r) => r.id)).toEqual(['cnn-8f-16px', 'cnn-32f-16px', 'cnn-8f-32px', 'cnn-32f-32px']);
    expect(new Set(LADDER.map((r) => r.id)).size).toBe(LADDER.length);
    expect(LADDER.every((r) => r.batch === 128)).toBe(true);
  });

  it.each(LADDER.map((r) => [r.id, r] as const))('%s: the parameter count is the built model\'s, and the config trains at batch 128', (_id, rung) => {
    const plan = buildPlan(rungConfig(rung, 1, 'cpu'));
    try {
      expect(plan.model.countParams()).toBe(rungParams(rung));
      const { xs } = plan.batch(0);
      expect(xs.shape[0]).toBe(128);
      tf.dispose(xs);
    } finally {
      plan.dispose();
    }
  });
});

describe('rungFlops', () => {
  it('gives the issue\'s MLP 256→512→512→1 at batch 128 ~270 MFLOP: 3 passes over every layer but the first\'s input gradient', () => {
    const layers = [256 * 512, 512 * 512, 512 * 1];
    const forward = 2 * 128 * layers.reduce((a, b) => a + b, 0);
    expect(rungFlops(at({ kind: 'mlp', features: 256, hidden: [512, 512] }, 128))).toBe(3 * forward - 2 * 128 * layers[0]!);
    expect(rungFlops(at({ kind: 'mlp', features: 256, hidden: [512, 512] }, 128))).toBe(268_828_672);
  });

  it('counts an LSTM of 1 unit over 1 step by hand: gates 2·(2+1)·4, the state gradient 2·1·4, the head 3·2', () => {
    // forward input 16 + recurrent 8, their weight gradients 16 + 8, dh through the recurrent kernel 8, head 2·3.
    expect(rungFlops(at({ kind: 'lstm', units: 1, seqLength: 1 }, 1))).toBe(16 + 8 + 16 + 8 + 8 + 6);
    // Linear in batch and sequence length (the head only in batch).
    const one = rungFlops(at({ kind: 'lstm', units: 8, seqLength: 5 }, 1));
    expect(rungFlops(at({ kind: 'lstm', units: 8, seqLength: 5 }, 4))).toBe(4 * one);
  });

  it('counts a CNN by hand: conv forward and filter gradient (no input gradient), the head three times', () => {
    // 1 filter, 2×2 image: conv 2·4·9 = 72 per pass; pooled to 1×1×1 → head 1×4: 2·4 = 8 per pass.
    expect(rungFlops(at({ kind: 'cnn', filters: 1, size: 2 }, 1))).toBe(2 * 72 + 3 * 8);
    expect(rungFlops(at({ kind: 'cnn', filters: 8, size: 16 }, 128))).toBe(128 * (2 * 2 * 256 * 9 * 8 + 3 * 2 * 8 * 8 * 8 * 4));
  });
});

const worker = (rung: string, backend: LadderWorkerResult['backend'], over: Partial<LadderWorkerResult> = {}): LadderWorkerResult => ({
  rung, backend, available: true, plainMs: 4, gclipMs: 3, plainCpuMs: 3.5, gclipCpuMs: 2.5, stepsPerRound: 10, gclipStatus: 'ok', rssMb: 140.4, ...over,
});

const measurements: LadderMeasurements = {
  workers: [
    worker('mlp-10k', 'wasm'),
    worker('mlp-10k', 'cpu', { available: false, reason: 'over the cap', probeMs: 900, plainMs: undefined, gclipMs: undefined, plainCpuMs: undefined, gclipCpuMs: undefined }),
    worker('mlp-10k', 'node', { available: false, reason: 'tfjs-node is not installed' }),
    worker('mlp-1m', 'wasm', { plainMs: 60, gclipMs: 50 }),
  ],
  jax: { 'mlp-10k': { stepMs: 0.2, stepCpuMs: 0.19 }, 'mlp-1m': { stepMs: 9, stepCpuMs: 8.5 } },
  jaxAllThreads: null,
  pytorch: { 'mlp-10k': { stepMs: 1.5, stepCpuMs: 1.4 } },
  sgemmGflops: 100,
};

describe('ladderRows', () => {
  const rows = ladderRows(measurements);

  it('has exactly the contract\'s fields, a row per measured or capped rung and backend, in ladder order', () => {
    const keys = ['model', 'params', 'backend', 'plainMs', 'gclipMs', 'jaxMs', 'jaxAllThreadsMs', 'pytorchMs', 'limitMs', 'rssMb'];
    for (const r of [...rows.ladder, ...rows.ladderCpu]) expect(Object.keys(r).sort()).toEqual([...keys].sort());
    expect(rows.ladder.map((r) => `${r.model}/${r.backend}`)).toEqual(['mlp-10k/wasm', 'mlp-10k/cpu', 'mlp-1m/wasm']);
    expect(JSON.parse(JSON.stringify(rows.ladder))).toStrictEqual(rows.ladder);
  });

  it('fills wall times in `ladder`, CPU times in `ladderCpu`, the limit from the FLOPs and the sgemm rate', () => {
    const [wasm, cpu, big] = rows.ladder;
    const mlp10k = LADDER.find((r) => r.id === 'mlp-10k')!;
    expect(wasm).toEqual({ model: 'mlp-10k', params: rungParams(mlp10k), backend: 'wasm', plainMs: 4, gclipMs: 3, jaxMs: 0.2, jaxAllThreadsMs: null, pytorchMs: 1.5, limitMs: Number((rungFlops(mlp10k) / 1e8).toFixed(3)), rssMb: 140 });
    expect(cpu).toMatchObject({ plainMs: null, gclipMs: null, jaxMs: 0.2 });
    expect(big).toMatchObject({ plainMs: 60, gclipMs: 50, jaxMs: 9, pytorchMs: null });
    expect(rows.ladderCpu[0]).toMatchObject({ plainMs: 3.5, gclipMs: 2.5, jaxMs: 0.19, pytorchMs: 1.4 });
  });

  it('leaves the limit null without an sgemm rate', () => {
    expect(ladderRows({ ...measurements, sgemmGflops: null }).ladder.every((r) => r.limitMs === null)).toBe(true);
  });

  it('renders a table row per row, ratios of gclip to plain, JAX and the limit', () => {
    const table = renderLadderTable(rows).split('\n');
    expect(table).toHaveLength(2 + rows.ladder.length);
    expect(table[2]).toContain('| 0.8× (0.7×) |');
    expect(table[2]).toContain('| 15× (13×) |');
  });
});

/** An element of a strictly parsed XML document. */
interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

/** Parses `xml` with sax in strict mode (throws on any well-formedness error) into elements. */
function parseXml(xml: string): XmlElement {
  const parser = sax.parser(true, { xmlns: false });
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  parser.onerror = (e) => {
    throw e;
  };
  parser.onopentag = (tag) => {
    const el: XmlElement = { name: tag.name, attrs: tag.attributes as Record<string, string>, children: [], text: '' };
    if (stack.length) stack.at(-1)!.children.push(el);
    else root = el;
    stack.push(el);
  };
  parser.ontext = (t) => {
    if (stack.length) stack.at(-1)!.text += t;
  };
  parser.onclosetag = () => void stack.pop();
  parser.write(xml).close();
  if (!root) throw new Error('no root element');
  return root;
}

const descendants = (el: XmlElement): XmlElement[] => el.children.flatMap((c) => [c, ...descendants(c)]);

describe('renderLadderChart', () => {
  const rows = ladderRows(measurements).ladder;
  const svg = renderLadderChart(rows, 'ladder <quick> & loaded');
  const root = parseXml(svg);
  const marks = descendants(root).filter((e) => 'data-series' in e.attrs);

  it('is a well-formed SVG document (a strict parser reads it) whose title is the caption, unescaped', () => {
    expect(() => parseXml('<svg><g></svg>')).toThrow();
    expect(root.name).toBe('svg');
    expect(root.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(root.attrs.viewBox).toMatch(/^0 0 \d+ \d+$/);
    expect(root.children.find((c) => c.name === 'title')?.text).toBe('ladder <quick> & loaded');
  });

  it('plots one marker per point: gclip per backend, each reference and the limit once per rung', () => {
    const points = chartPoints(rows);
    expect(points.map((p) => `${p.series}/${p.model}`).sort()).toEqual(
      ['gclip wasm/mlp-10k', 'gclip wasm/mlp-1m', 'JAX + optax, 1 thread/mlp-10k', 'JAX + optax, 1 thread/mlp-1m', 'PyTorch, 1 thread/mlp-10k', 'hardware limit/mlp-10k', 'hardware limit/mlp-1m'].sort(),
    );
    expect(marks).toHaveLength(points.length);
    expect(marks.filter((m) => m.attrs['data-model'] === 'mlp-1m' && m.attrs['data-series'] === 'gclip wasm').map((m) => m.attrs['data-ms'])).toEqual(['50']);
    expect(marks.every((m) => m.children.some((c) => c.name === 'title' && c.text.includes(m.attrs['data-model']!)))).toBe(true);
  });

  it('puts slower steps higher and larger models further right (log axes)', () => {
    const gclip = marks.filter((m) => m.attrs['data-series'] === 'gclip wasm');
    const [small, big] = ['mlp-10k', 'mlp-1m'].map((id) => gclip.find((m) => m.attrs['data-model'] === id)!.attrs);
    expect(Number(big!.cx)).toBeGreaterThan(Number(small!.cx));
    expect(Number(big!.cy)).toBeLessThan(Number(small!.cy));
  });
});
