/**
 * Backend selection: tfjs-node (native libtensorflow) when it loads, else wasm, else the
 * pure-JS cpu backend. tfjs-node is an optional dependency whose install script downloads
 * libtensorflow from outside the npm registry; where that fails npm drops the package and
 * gclip runs on wasm. The choice is reported, never silent.
 */
import { createRequire } from 'node:module';
import { tf } from './tf.js';
import { inputError } from '../errors.js';
import { registerWasmKernels } from './kernels/register.js';
import type { BackendName } from '../config/schema.js';

/** The tfjs backend names behind gclip's names. */
const TFJS_NAME = { node: 'tensorflow', wasm: 'wasm', cpu: 'cpu', 'cpu-ops': 'cpu-ops' } as const;
export type Concrete = 'node' | 'wasm' | 'cpu';
const ORDER: readonly Concrete[] = ['node', 'wasm', 'cpu'];

/**
 * Testing aid, not a product backend: the environment variable that makes every backend
 * request (`--backend`, `auto`, sweep workers, `train()`) activate the tfjs backend it
 * names instead. Its one value, `cpu-ops`, is the cpu backend's kernels under another name:
 * gclip's host kernels and fused updates decline there and the loop awaits `data()`, as on
 * tfjs-node or webgl, so CI runs that path without them (docs/backends.md).
 */
export const TEST_BACKEND_ENV = 'GCLIP_TEST_BACKEND';
/** The backends `GCLIP_TEST_BACKEND` may name. */
export const TEST_BACKENDS = ['cpu-ops'] as const;
export type TestBackend = (typeof TEST_BACKENDS)[number];
/** The name of a backend that can be active: one of gclip's, or a test backend. */
export type ActiveBackend = Concrete | TestBackend;

/** The outcome of trying one backend. */
export interface BackendAttempt {
  readonly name: ActiveBackend;
  readonly loaded: boolean;
  /** Why it did not load (the loader's own message), or null. */
  readonly error: string | null;
}

/** What `initBackend` chose and why. */
export interface BackendChoice {
  /** gclip's name of the backend that runs: node, wasm or cpu (or a test backend, see `TEST_BACKEND_ENV`). */
  readonly name: ActiveBackend;
  /** Every backend tried, in order, with the reason it failed. */
  readonly attempts: readonly BackendAttempt[];
}

/**
 * Registers `cpu-ops`: a fresh instance of tfjs's cpu backend whose kernels are the cpu
 * backend's (minus gclip's host kernels, registered on cpu lazily), so every op computes
 * exactly as on cpu while `tf.getBackend()` is not one that keeps gclip's host path.
 */
function registerCpuOps(): void {
  if (tf.findBackend('cpu-ops')) return;
  tf.registerBackend('cpu-ops', tf.findBackendFactory('cpu'), -1);
  for (const k of tf.getKernelsForBackend('cpu')) {
    if (!k.kernelName.startsWith('Gclip')) tf.registerKernel({ ...k, backendName: 'cpu-ops' });
  }
}

async function register(name: ActiveBackend): Promise<void> {
  if (name === 'cpu-ops') {
    registerCpuOps();
  } else if (name === 'node') {
    // Registers the 'tensorflow' backend on the same tfjs-core instance as ours.
    await import('@tensorflow/tfjs-node' as string);
  } else if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    registerWasmKernels();
  }
}

/** Tries to register and activate one backend; never throws. */
export async function tryBackend(name: ActiveBackend): Promise<BackendAttempt> {
  // Silences tfjs's console banners (e.g. "looks like you are running in Node.js"):
  // gclip reports the backend itself, and core code never prints.
  tf.enableProdMode();
  try {
    await register(name);
    const ok = await tf.setBackend(TFJS_NAME[name]);
    if (!ok) return { name, loaded: false, error: `tf.setBackend('${TFJS_NAME[name]}') returned false` };
    await tf.ready();
    return { name, loaded: true, error: null };
  } catch (e) {
    return { name, loaded: false, error: firstLine(e) };
  }
}

function firstLine(e: unknown): string {
  if ((e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes('tfjs-node')) {
    return 'not installed (npm drops the optional @tensorflow/tfjs-node when its libtensorflow download fails)';
  }
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0] ?? text;
}

/** The test backend `GCLIP_TEST_BACKEND` names, or null; an unknown name is a bad-input error. */
export function testBackendFromEnv(env: NodeJS.ProcessEnv = process.env): TestBackend | null {
  const value = env[TEST_BACKEND_ENV];
  if (value === undefined || value === '') return null;
  if ((TEST_BACKENDS as readonly string[]).includes(value)) return value as TestBackend;
  throw inputError('backend_unavailable', {
    path: TEST_BACKEND_ENV,
    message: `unknown test backend '${value}' in $${TEST_BACKEND_ENV}`,
    hint: `Use one of: ${TEST_BACKENDS.join(', ')}, or unset ${TEST_BACKEND_ENV}.`,
  });
}

/**
 * Activates a backend. `auto` tries node → wasm → cpu and keeps the first that loads; a
 * named backend that fails to load is a bad-input error (exit 2) carrying the loader's
 * reason and a hint to run `gclip doctor`. With `$GCLIP_TEST_BACKEND` set, that test
 * backend replaces any preference (see `TEST_BACKEND_ENV`).
 */
export async function initBackend(preference: BackendName = 'auto'): Promise<BackendChoice> {
  const test = testBackendFromEnv();
  const candidates: readonly ActiveBackend[] = test ? [test] : preference === 'auto' ? ORDER : [preference];
  const attempts: BackendAttempt[] = [];
  for (const name of candidates) {
    const attempt = await tryBackend(name);
    attempts.push(attempt);
    if (attempt.loaded) return { name, attempts };
  }
  const last = attempts[attempts.length - 1];
  throw inputError('backend_unavailable', {
    path: 'backend',
    message: `backend '${preference}' could not be loaded: ${last?.error ?? 'unknown error'}`,
    hint: "Run `gclip doctor` to see which backends load, or use --backend auto.",
  });
}

/** True when this Node can run WebAssembly SIMD (the wasm backend is much faster with it). */
export function wasmSimdSupported(): boolean {
  // A minimal module whose only function uses a v128 instruction (i8x16.splat).
  const bytes = new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
  ]);
  const wasm = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly;
  return wasm.validate(bytes);
}

/** Version of an installed package, or null when it is not installed. */
export function packageVersion(name: string): string | null {
  try {
    const require = createRequire(import.meta.url);
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return null;
  }
}
