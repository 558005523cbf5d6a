import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const DOC = readFileSync(new URL('../../docs/sweep.md', import.meta.url), 'utf8');

/** The first fenced block of `lang` after the heading `title` in docs/sweep.md. */
function block(title: string, lang: string): string {
  const section = DOC.slice(DOC.indexOf(`### ${title}`));
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(section);
  if (!m) throw new Error(`no ${lang} block under ${title}`);
  return m[1]!;
}

/** Parsed YAML, walked freely: the assertions check the shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;

/** The gclip argv of a command line, split on spaces. */
const argv = (line: string) => line.trim().split(/\s+/);

describe('launcher examples in docs/sweep.md', () => {
  it('Kubernetes: an Indexed Job with backoffLimitPerIndex whose pods all run one store command', () => {
    const job = parse(block('Kubernetes Indexed Job', 'yaml')) as Doc;
    expect(job).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job' });
    expect(Object.keys(job.spec).sort()).toEqual(['backoffLimitPerIndex', 'completionMode', 'completions', 'maxFailedIndexes', 'parallelism', 'template']);
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', backoffLimitPerIndex: expect.any(Number) });
    // The API server rejects backoffLimitPerIndex unless the pods never restart in place.
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    const [container] = job.spec.template.spec.containers;
    expect(Object.keys(container).sort()).toEqual(['args', 'image', 'name', 'resources', 'volumeMounts']);
    expect(container.args.slice(0, 5)).toEqual(['sweep', '-c', '/config/run.yaml', '--store', '/results/sweep']);
    const mounts = container.volumeMounts.map((m: { name: string }) => m.name).sort();
    expect(job.spec.template.spec.volumes.map((v: { name: string }) => v.name).sort()).toEqual(mounts);
    expect(container.volumeMounts.find((m: { mountPath: string }) => '/results/sweep'.startsWith(m.mountPath))).toBeDefined();
  });

  it('GitHub Actions: a matrix of shards, artifacts per shard, one merge job', () => {
    const wf = parse(block('GitHub Actions matrix', 'yaml')) as Doc;
    expect(Object.keys(wf).sort()).toEqual(['jobs', 'name', 'on']);
    const { sweep, merge } = wf.jobs;
    expect(Object.keys(sweep).sort()).toEqual(['runs-on', 'steps', 'strategy']);
    const shards: number[] = sweep.strategy.matrix.shard;
    for (const step of [...sweep.steps, ...merge.steps]) {
      expect(Object.keys(step).filter((k) => k === 'uses' || k === 'run')).toHaveLength(1);
      expect(Object.keys(step).every((k) => ['uses', 'run', 'with', 'name'].includes(k))).toBe(true);
    }
    const run = sweep.steps.find((s: { run?: string }) => s.run?.includes('gclip sweep')).run as string;
    expect(run).toContain(`--shard \${{ matrix.shard }}/${shards.length}`);
    expect(merge.needs).toBe('sweep');
    expect(merge.steps.at(-1).run).toMatch(/gclip sweep merge shards\/shard-\*/);
  });

  it('Slurm: a valid bash array script of identical store workers', () => {
    const script = block('Slurm job array', 'bash');
    expect(spawnSync('bash', ['-n'], { input: script }).status).toBe(0);
    expect(script).toMatch(/^#SBATCH --array=\d+-\d+$/m);
    const command = script.split('\n').find((l) => l.startsWith('gclip '))!;
    expect(argv(command).slice(0, 2)).toEqual(['gclip', 'sweep']);
    expect(command).toMatch(/--store \S+/);
  });

  it('Dockerfile: a node slim image with production dependencies only', () => {
    const docker = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
    const froms = docker.match(/^FROM \S+/gm)!;
    expect(froms.at(-1)).toMatch(/^FROM node:\d+-slim$/);
    const runtime = docker.slice(docker.lastIndexOf('FROM '));
    expect(runtime).toMatch(/RUN npm ci --omit=dev/);
    expect(runtime).toMatch(/COPY --from=build \/app\/dist/);
    expect(runtime).toMatch(/ENTRYPOINT \["node", "\/app\/bin\/gclip\.js"\]/);
  });
});
