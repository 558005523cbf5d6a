/**
 * Hostile names (a file, a CSV column, a layer, a status and a reason carrying
 * `\n::error::pwned` and `\x1b[31m`) reach every output neutralised: shown visibly as
 * `\n` and `\x1b`, never as a line of their own that the GitHub runner would obey, never
 * as a raw escape sequence (NO_COLOR=1 is set by the helper). Checked in the terminal,
 * the annotations, the JUnit file and the HTML report, each parsed back.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseJUnit } from 'junit2json';
import { parse as parseHtml } from 'parse5';
import { beforeAll, describe, expect, it } from 'vitest';
import { neutralize } from '../../src/guard/neutralize.js';
import { gclip } from '../helpers/cli.js';

const EVIL = 'evil\n::error::pwned\x1b[31m';
const SHOWN = 'evil\\n::error::pwned\\x1b[31m';
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** Lines the GitHub runner would read as workflow commands (`::x` after spaces, or `##[x` anywhere). */
const commandLines = (text: string): string[] => text.split('\n').filter((l) => l.trimStart().startsWith('::') || l.includes('##['));

let dir = '';
let runDir = '';
let csv = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gclip-names-'));
  runDir = join(dir, EVIL);
  await mkdir(runDir);
  const records = Array.from({ length: 120 }, (_, step) => {
    const spike = step === 100;
    const events = spike ? [{ kind: 'spike', step, preClipNorm: 50, median: 1, z: 40, layer: EVIL }] : [];
    return JSON.stringify({ step, loss: 1 / (1 + step / 100), preClipNorm: spike ? 50 : 1 + 0.05 * Math.sin(step), layerNorms: { [EVIL]: spike ? 49 : 0.5, dense: 0.8 }, events });
  });
  await writeFile(join(runDir, 'steps.jsonl'), records.join('\n') + '\n');
  await writeFile(join(runDir, 'summary.json'), JSON.stringify({ status: EVIL, reason: EVIL, backend: EVIL }));
  // Step 110 has a NaN loss, so the check fails and annotates.
  const rows = Array.from({ length: 120 }, (_, s) => `${s},${s === 110 ? 'nan' : 1 / (1 + s / 100)},${s === 100 ? 50 : 1 + 0.05 * Math.sin(s)},${s === 100 ? 49 : 0.5}`);
  csv = join(dir, `${EVIL}.csv`);
  await writeFile(csv, [`step,loss,grad_norm,"grad_2.0_norm/${EVIL}"`, ...rows].join('\n') + '\n');
});

describe('hostile names in the terminal', () => {
  it('report prints the run dir, layer, status and reason visibly escaped, with no raw escape or command line', () => {
    const r = gclip(['report', runDir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(SHOWN);
    expect(r.stdout).not.toMatch(RAW);
    expect(commandLines(r.stdout)).toEqual([]);
  });

  it('an error naming a hostile CSV column is escaped in the message', async () => {
    const bad = join(dir, 'no-norm.csv');
    await writeFile(bad, `step,loss,"${EVIL}"\n1,1,1\n`);
    const r = gclip(['check', '--log', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`columns found: step, loss, ${SHOWN}`);
    expect(r.stderr).not.toMatch(RAW);
    expect(commandLines(r.stderr)).toEqual([]);
  });
});

describe('hostile names in CI output', () => {
  it('annotations, the step summary and the JUnit file carry the file name escaped', async () => {
    const summary = join(dir, 'step-summary.md');
    const junit = join(dir, 'check.xml');
    const r = gclip(['check', '--log', csv, '--junit', junit], { env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } });
    expect(r.code, r.stderr).toBe(1);
    for (const out of [r.stdout, r.stderr, await readFile(summary, 'utf8')]) expect(out).not.toMatch(RAW);
    // Every command line is one of ours: `::error title=gclip check…` with the file as a property.
    const commands = commandLines(r.stdout);
    expect(commands.length).toBeGreaterThan(0);
    for (const line of commands) expect(line).toMatch(/^::(error|warning) title=gclip check%3A [a-z_]+,file=[^\n]*::/);
    expect(commands[0]).toContain(`file=${neutralize(csv).replace(/:/g, '%3A')}`);

    const doc = (await parseJUnit(await readFile(junit, 'utf8'))) as { testsuite?: { properties?: { name: string; value: string }[] }[] };
    const source = doc.testsuite?.[0]?.properties?.find((p) => p.name === 'source')?.value;
    expect(source).toBe(neutralize(csv));
    expect(source).toContain(SHOWN);
  });
});

interface Node {
  nodeName: string;
  value?: string;
  childNodes?: Node[];
  attrs?: { name: string; value: string }[];
}

function texts(node: Node, out: { parent: string; text: string }[] = [], parent = ''): { parent: string; text: string }[] {
  if (node.nodeName === '#text') out.push({ parent, text: node.value ?? '' });
  for (const child of node.childNodes ?? []) texts(child, out, node.nodeName);
  return out;
}

describe('hostile names in the HTML report', () => {
  it('shows them escaped in the parsed page and in the chart data', async () => {
    const html = join(dir, 'report.html');
    const r = gclip(['report', runDir, '--html', html]);
    expect(r.code, r.stderr).toBe(0);
    const all = texts(parseHtml(await readFile(html, 'utf8')) as unknown as Node);
    const shown = all.filter((t) => t.parent !== 'script' && t.parent !== 'style');
    for (const t of shown) expect(t.text).not.toMatch(RAW);
    expect(shown.some((t) => t.parent === 'td' && t.text.includes(SHOWN))).toBe(true);
    expect(shown.find((t) => t.parent === 'p' && t.text.includes('evil'))?.text).toBe(neutralize(join(runDir, 'steps.jsonl')));
    const data = all.find((t) => t.parent === 'script' && t.text.includes('"kind"'))!.text;
    const chart = (JSON.parse(data) as { chart: { layers: { names: string[] }; events: { layer: string | null }[] } }).chart;
    expect(chart.layers.names).toContain(SHOWN);
    expect(chart.events.map((e) => e.layer)).toContain(SHOWN);
  });
});
