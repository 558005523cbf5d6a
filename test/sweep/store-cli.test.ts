import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatNumber } from '../../src/format.js';
import { decodeNumbers } from '../../src/log/codec.js';
import { readJson, withoutTimings } from '../helpers/run-files.js';
import { CLI, sweepWorkdir, type Ran } from './helpers/sweep-cli.js';

/** An RNN that explodes unclipped at lr 0.1 within ~10 steps, and trains unclipped at lr 0.03. */
const BOOM = `name: boom
model: { kind: rnn, units: 16, recurrentInit: { kind: orthogonal, scale: 2 } }
data: { kind: adding, seqLength: 20, samples: 256 }
train: { steps: 30, optimizer: sgd, lr: 0.1 }
backend: wasm
`;

function workdir(): string {
  return sweepWorkdir('gclip-store-cli-', BOOM);
}

function start(cwd: string, args: string[]): { child: ChildProcess; done: Promise<Ran> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '', stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr }))) };
}

const gclip = (cwd: string, args: string[]) => start(cwd, args).done;

/** Owners (`host:pid`) of the leases in a store right now (a lease may vanish while we read). */
function leaseOwners(store: string): string[] {
  const dir = join(store, 'leases');
  const names = existsSync(dir) ? readdirSync(dir).filter((n) => !n.includes('.')) : [];
  return names.flatMap((n) => {
    try {
      return [readFileSync(join(dir, n), 'utf8').trim()];
    } catch {
      return [];
    }
  });
}

async function until(check: () => boolean, pollMs = 50): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, pollMs));
}

const GRID = ['--thresholds', '0.5,2', '--seeds', '3'];

describe('gclip sweep on an lr axis (CLI)', () => {
  it('writes sweep.json version 2 with the lr axis, a recommendation per lr and overall, and the lr cut', async () => {
    const cwd = workdir();
    const r = await gclip(cwd, ['sweep', '-c', 'boom.yaml', '--lrs', '0.1,0.03', '--thresholds', '0.5,2', '--seeds', '2', '--jobs', '2', '--out', 'out']);
    expect(r.code, r.stderr).toBe(0);
    const report = readJson(join(cwd, 'out', 'sweep.json')) as {
      version: number; grid: { lrs: number[]; thresholds: number[] };
      recommendation: { status: string; maxNorm: number | null; lr: number; reason: string; perLr: { lr: number; status: string; maxNorm: number | null; finalLoss: number }[]; lrCut: unknown };
      points: { id: string; lr: number; stableSeeds: number; finalLoss: number; clipRate: number }[];
    };
    expect(report.version).toBe(2);
    expect(report.grid).toMatchObject({ lrs: [0.03, 0.1], thresholds: [0.5, 2] });
    // The RNN is chaotic (recurrent gain 2): its final losses move by several percent with
    // any float32 reassociation (stock tfjs-layers gives 0.156 on wasm and 0.168 on cpu for
    // lr@0.03/baseline, the fused recurrent layer 0.163 on wasm), so no loss is pinned: the
    // test checks the facts the recommendation states, from the report's own numbers, and
    // that the reason and the heatmap cite those numbers.
    const row = (id: string) => report.points.find((p) => p.id === id)!;
    expect(report.points.map((p) => p.id)).toEqual(['lr@0.03/baseline', 'lr@0.03/norm@0.5', 'lr@0.03/norm@2', 'lr@0.1/baseline', 'lr@0.1/norm@0.5', 'lr@0.1/norm@2']);
    const stable = report.points.filter((p) => p.id !== 'lr@0.1/baseline');
    for (const p of stable) expect(p, p.id).toMatchObject({ stableSeeds: 2 });
    expect(row('lr@0.03/baseline')).toMatchObject({ lr: 0.03, clipRate: 0 });
    const best = row('lr@0.03/baseline').finalLoss;
    expect(best).toBe(Math.min(...stable.map((p) => p.finalLoss)));
    expect(best).toBeLessThan(0.2); // near predicting the mean (1/6): trained, not diverged
    expect(row('lr@0.1/baseline').stableSeeds).toBe(0);
    expect(row('lr@0.1/baseline').finalLoss).toBeGreaterThan(10);
    expect(row('lr@0.1/norm@2').clipRate).toBeGreaterThan(0.5);
    expect(row('lr@0.1/norm@2').clipRate).toBeLessThan(1);
    expect(row('lr@0.1/norm@0.5').clipRate).toBe(1);
    const rec = report.recommendation;
    expect(rec).toMatchObject({ status: 'not_needed', maxNorm: null, lr: 0.03, lrCut: { clippedLr: 0.1, maxNorm: 2, unclippedLr: 0.03 } });
    expect(rec.perLr.map((c) => [c.lr, c.status, c.maxNorm, c.finalLoss])).toEqual([[0.03, 'not_needed', null, best], [0.1, 'clip', 2, row('lr@0.1/norm@2').finalLoss]]);
    const cited = (x: number, digits: number): string => formatNumber(x, { digits }).replace('.', '\\.');
    // The reason quotes the mean final loss over seeds (what the rule ranks by); the table, the median.
    const runs = (report.points.find((p) => p.id === 'lr@0.03/baseline') as unknown as { runs: { finalLoss: number }[] }).runs;
    const mean = runs.reduce((a, r) => a + r.finalLoss, 0) / runs.length;
    expect(rec.reason).toMatch(new RegExp(`unclipped training at lr 0\\.03, mean final loss over seeds ${cited(mean, 3)},.*the lowest of the per-lr recommendations.*Clipping is acting as an lr cut: unclipped training at lr 0\\.03 does at least as well as max_norm 2 at lr 0\\.1`));
    expect(r.stdout).toMatch(/stable seeds and final loss, lr × max_norm/);
    expect(r.stdout).toMatch(new RegExp(`unclipped\\s+│ 2/2 ${cited(best, 4)} ◀\\s+│ 0/2 ${cited(row('lr@0.1/baseline').finalLoss, 4)}`));
  });
});

describe('gclip sweep --store: a work queue shared by workers', () => {
  it('3 workers on one store give the report of one process, also when one is killed mid-task; status and report read the store', async () => {
    const cwd = workdir();
    const one = await gclip(cwd, ['sweep', '-c', 'tiny.yaml', ...GRID, '--jobs', '1', '--out', 'one', '-q']);
    expect(one.code, one.stderr).toBe(0);
    const expected = withoutTimings(readJson(join(cwd, 'one', 'sweep.json')));

    // Clean run: a creator and two workers that join once the plan exists.
    const creator = start(cwd, ['sweep', '-c', 'tiny.yaml', ...GRID, '--jobs', '1', '--store', 's3', '-q']);
    await until(() => existsSync(join(cwd, 's3', 'plan.json')));
    const workers = [gclip(cwd, ['sweep', 'worker', '--store', 's3', '--jobs', '1']), gclip(cwd, ['sweep', 'worker', '--store', 's3', '--jobs', '1'])];
    const all = await Promise.all([creator.done, ...workers]);
    for (const r of all) expect(r.code, r.stderr).toBe(0);
    expect(withoutTimings(readJson(join(cwd, 's3', 'sweep.json')))).toEqual(expected);
    // Which process ran which task depends on the machine's load (a busy machine can let the
    // creator finish before the workers start), so only the shared result is asserted here;
    // claims by several workers are asserted in the SIGKILL case below and in store.test.ts.

    // One worker SIGKILLed mid-task: the process that creates the store is the victim. It is
    // killed only once its own lease file exists (a task claimed and running), and the other
    // two workers start only after that, so the kill always lands mid-task whatever the load;
    // its lease (2 s) then expires and a survivor reclaims the task.
    const victim = start(cwd, ['sweep', '-c', 'tiny.yaml', ...GRID, '--jobs', '1', '--store', 'sk', '--lease', '2', '-q']);
    const owner = `${hostname()}:${victim.child.pid}`;
    let exited = false;
    void victim.done.then(() => (exited = true));
    await until(() => exited || leaseOwners(join(cwd, 'sk')).includes(owner), 10);
    expect(exited, 'the victim finished every task before it was seen holding a lease').toBe(false);
    victim.child.kill('SIGKILL');
    const killed = await victim.done;
    expect(killed.code).toBeNull(); // killed by the signal
    const status = await gclip(cwd, ['sweep', 'status', 'sk', '--json']);
    expect(status.code, status.stderr).toBe(0);
    const s = JSON.parse(status.stdout) as { total: number; done: number; running: number; stale: number; left: number };
    expect(s.total).toBe(9);
    expect(s.running + s.stale).toBe(1); // the victim's task, held by a dead worker
    expect(s.done + s.running + s.stale + s.left).toBe(9);
    const survivors = [gclip(cwd, ['sweep', 'worker', '--store', 'sk', '--jobs', '1']), gclip(cwd, ['sweep', 'worker', '--store', 'sk', '--jobs', '1'])];
    for (const r of await Promise.all(survivors)) expect(r.code, r.stderr).toBe(0);
    expect(withoutTimings(readJson(join(cwd, 'sk', 'sweep.json')))).toEqual(expected);

    const report = await gclip(cwd, ['sweep', 'report', 'sk', '--json', '--out', 'rep']);
    expect(report.code, report.stderr).toBe(0);
    expect(withoutTimings(JSON.parse(report.stdout, decodeNumbers))).toEqual(expected);
    const done = await gclip(cwd, ['sweep', 'status', 'sk']);
    expect(done.stdout).toMatch(/9\/9 runs done, 0 running, 0 left/);
    expect(done.stdout).toMatch(/complete: gclip sweep report/);
  });

  it('refuses --prune without --store, and --store with --shard (exit 2)', async () => {
    const cwd = workdir();
    const prune = await gclip(cwd, ['sweep', '-c', 'tiny.yaml', '--prune']);
    expect(prune.code).toBe(2);
    expect(prune.stderr).toMatch(/--prune: it needs --store DIR/);
    const both = await gclip(cwd, ['sweep', '-c', 'tiny.yaml', '--store', 's', '--shard', '1/2']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/Conflicting flags --store and --shard/);
  });
});
