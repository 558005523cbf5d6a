/**
 * Environment diagnosis for `gclip doctor`: which backends load here and why not, with
 * the documented ways to get the native one. Returns data; the CLI renders it.
 */
import { cpus, platform, arch } from 'node:os';
import { fileURLToPath } from 'node:url';
import { initBackend, packageVersion, tryBackend, wasmSimdSupported, type BackendAttempt, type Concrete } from './backend.js';
import { fastKernels, type FastKernelStatus } from './kernels/catalog.js';
import { tf } from './tf.js';

export interface Diagnosis {
  readonly node: string;
  readonly platform: string;
  readonly cpu: { readonly model: string; readonly cores: number };
  readonly wasmSimd: boolean;
  readonly packages: Readonly<Record<string, string | null>>;
  readonly backends: readonly BackendAttempt[];
  /** What `--backend auto` picks (the test backend when `$GCLIP_TEST_BACKEND` is set). */
  readonly auto: string | null;
  /** gclip's fast kernels on the backend `auto` picks: active or declined, and why (empty when none loads). */
  readonly kernels: readonly FastKernelStatus[];
  /** Ways to get tfjs-node, when it did not load. */
  readonly fixes: readonly string[];
}

/** gclip's script that builds tfjs-node against the tensorflow-cpu wheel (same path in src/ and dist/). */
export const TFJS_NODE_SCRIPT = fileURLToPath(new URL('../../scripts/tfjs-node-from-wheel.sh', import.meta.url));

/** Remedies for a tfjs-node that failed to install or load: gclip's script first, then the tfjs-node README's. */
export const TFJS_NODE_FIXES: readonly string[] = [
  `Build it from the tensorflow-cpu wheel on PyPI (Linux; needs only the npm registry, PyPI, pip and a C++ compiler): bash ${TFJS_NODE_SCRIPT}`,
  'Reinstall with a reachable mirror of the libtensorflow binaries: TFJS_NODE_CDN_STORAGE=https://<mirror>/ npm rebuild @tensorflow/tfjs-node (or put TFJS_NODE_CDN_STORAGE in .npmrc).',
  'If the mirror uses another path layout: TFJS_NODE_BASE_URI=https://<host>/<path>/libtensorflow- npm rebuild @tensorflow/tfjs-node.',
  'Use your own libtensorflow: add scripts/custom-binary.json to @tensorflow/tfjs-node ({"tf-lib": "<url>"}) or unpack libtensorflow into its deps/ folder, then npm rebuild @tensorflow/tfjs-node --build-addon-from-source.',
  'Or keep the wasm backend (the default fallback): correct, single-threaded SIMD; no install step outside the npm registry.',
];

/** Tries every backend in turn (node, wasm, cpu) and gathers the facts. */
export async function diagnose(): Promise<Diagnosis> {
  const backends: BackendAttempt[] = [];
  for (const name of ['node', 'wasm', 'cpu'] as const) backends.push(await tryBackend(name));
  const loaded = backends.find((b) => b.loaded)?.name ?? null;
  const auto = loaded ? (await initBackend(loaded as Concrete)).name : null;
  const first = cpus()[0];
  return {
    node: process.version,
    platform: `${platform()} ${arch()}`,
    cpu: { model: first?.model.trim() ?? 'unknown', cores: cpus().length },
    wasmSimd: wasmSimdSupported(),
    packages: Object.fromEntries(
      ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node'].map((p) => [p, packageVersion(p)]),
    ),
    backends,
    auto,
    kernels: auto ? fastKernels(tf.getBackend()) : [],
    fixes: backends[0]?.loaded ? [] : TFJS_NODE_FIXES,
  };
}
