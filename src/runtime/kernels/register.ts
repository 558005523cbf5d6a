/**
 * Kernels gclip adds to tfjs backends that lack them, and the few it replaces for speed.
 */
import { tf } from '../tf.js';
import { batchMatMulWasmConfig } from './batch-mat-mul.js';
import { conv2dBackpropFilterWasmConfig } from './conv2d-backprop-filter.js';
import { depthwiseBackpropWasmConfigs } from './depthwise-backprop.js';
import { identityWasmConfig } from './identity.js';
import { maxPoolGradWasmConfig } from './max-pool-grad.js';
import { unsortedSegmentSumWasmConfig } from './unsorted-segment-sum.js';

/** Configs this module registered, so a second call does not wrap a wrapper. */
const ours = new WeakSet<tf.KernelConfig>();

/**
 * Kernels of tfjs-backend-wasm 4.22 that gclip replaces because they are slow on the
 * shapes training produces, each built from the backend's own config (measured in
 * docs/benchmarks.md): BatchMatMul with a transposed operand, MaxPoolGrad, and Identity,
 * which copied where sharing the input's memory is enough.
 */
const REPLACEMENTS: ReadonlyArray<readonly [string, (inner: tf.KernelConfig) => tf.KernelConfig]> = [
  ['BatchMatMul', batchMatMulWasmConfig],
  ['MaxPoolGrad', maxPoolGradWasmConfig],
  ['Identity', identityWasmConfig],
];

/** Whether `config` is a kernel this module registered (a replacement or an added one). */
export function isGclipKernel(config: tf.KernelConfig | undefined): boolean {
  return config !== undefined && ours.has(config);
}

function add(config: tf.KernelConfig, added: string[]): void {
  tf.registerKernel(config);
  ours.add(config);
  added.push(config.kernelName);
}

/**
 * Registers gclip's wasm kernels (`Conv2DBackpropFilter`, `UnsortedSegmentSum`,
 * `DepthwiseConv2dNativeBackpropFilter`, `DepthwiseConv2dNativeBackpropInput`) unless the backend
 * already has one of that name, so a future tfjs-backend-wasm that ships its own wins; and
 * swaps in the faster `BatchMatMul`, `MaxPoolGrad` and `Identity` (which keep the backend's own for the
 * cases they do not handle). Idempotent; call it after `@tensorflow/tfjs-backend-wasm` has
 * been imported. Returns the names of the kernels it registered in this call.
 */
export function registerWasmKernels(): string[] {
  const added: string[] = [];
  for (const config of [conv2dBackpropFilterWasmConfig, unsortedSegmentSumWasmConfig, ...depthwiseBackpropWasmConfigs]) {
    if (!tf.getKernel(config.kernelName, config.backendName)) add(config, added);
  }
  for (const [name, replace] of REPLACEMENTS) {
    const inner = tf.getKernel(name, 'wasm');
    if (!inner || ours.has(inner)) continue;
    tf.unregisterKernel(name, 'wasm');
    add(replace(inner), added);
  }
  return added;
}
