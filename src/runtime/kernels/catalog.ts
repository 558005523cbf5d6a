/**
 * gclip's fast kernels by name, and whether each is active on a tfjs backend and why
 * (`gclip doctor` lists them). The host kernels and the fused optimizer update run where
 * tensor data lives in host memory (`isHostBackend`: wasm, cpu); elsewhere (tfjs-node,
 * webgl) their callers take tfjs ops. The wasm kernels are added to or replace
 * tfjs-backend-wasm's own (`register.ts`).
 */
import { tf } from '../tf.js';
import { GLOBAL_CLIP_KERNEL } from './global-clip.js';
import { isHostBackend } from './host-io.js';
import { FUSED_STEP_KERNEL } from './norm-clip-pack.js';
import { UPDATE_KERNEL } from './optimizer-update.js';
import { PACK_KERNEL } from './pack.js';
import { isGclipKernel } from './register.js';
import { STEP_NORMS_KERNEL } from './step-norms.js';

/** What a fast kernel is: a host kernel, the fused optimizer update, or a wasm kernel. */
export type FastKernelKind = 'host' | 'fused-update' | 'wasm';

/** One fast kernel's status on a backend. */
export interface FastKernelStatus {
  readonly name: string;
  readonly kind: FastKernelKind;
  /** What it replaces. */
  readonly does: string;
  readonly active: boolean;
  /** Why it is active or declined, in a phrase. */
  readonly why: string;
}

const HOST: ReadonlyArray<readonly [string, FastKernelKind, string]> = [
  [STEP_NORMS_KERNEL, 'host', 'every norm a step logs in one dispatch (~3 ops per gradient otherwise)'],
  [FUSED_STEP_KERNEL, 'host', 'norms, global-norm clip and readback pack of a step in one dispatch'],
  [GLOBAL_CLIP_KERNEL, 'host', 'global-norm clip coefficient and g·coef for every gradient in one dispatch'],
  [PACK_KERNEL, 'host', "the step's single readback vector in one dispatch (reshape per scalar + concat otherwise)"],
  [UPDATE_KERNEL, 'fused-update', 'Adam, SGD, momentum and RMSprop updates in one dispatch (applyGradients otherwise)'],
];

/** The kernels `registerWasmKernels` adds (when tfjs-backend-wasm has none) or replaces. */
const WASM: ReadonlyArray<readonly [string, string]> = [
  ['Conv2DBackpropFilter', 'added: tfjs-backend-wasm 4.22 has none (CNN training)'],
  ['UnsortedSegmentSum', 'added: tfjs-backend-wasm 4.22 has none (embedding gradients)'],
  ['DepthwiseConv2dNativeBackpropFilter', 'added: tfjs-backend-wasm 4.22 has none'],
  ['DepthwiseConv2dNativeBackpropInput', 'added: tfjs-backend-wasm 4.22 has none'],
  ['BatchMatMul', 'replaced: faster with a transposed operand'],
  ['MaxPoolGrad', 'replaced: faster on training shapes'],
  ['Identity', 'replaced: shares the input memory instead of copying'],
];

function hostStatus(backend: string): { active: boolean; why: string } {
  return isHostBackend(backend)
    ? { active: true, why: `${backend} keeps tensors in host memory` }
    : { active: false, why: `declined: ${backend} does not keep tensors in host memory; tfjs ops run instead` };
}

function wasmStatus(backend: string, name: string): { active: boolean; why: string } {
  if (backend !== 'wasm') return { active: false, why: `declined: a wasm kernel, the backend is ${backend}` };
  if (isGclipKernel(tf.getKernel(name, 'wasm'))) return { active: true, why: 'registered by gclip' };
  return { active: false, why: tf.getKernel(name, 'wasm') ? "declined: tfjs-backend-wasm's own kernel is registered" : 'declined: not registered' };
}

/** Every fast kernel of gclip with its status on the tfjs backend `backend` (a `tf.getBackend()` name). */
export function fastKernels(backend: string): FastKernelStatus[] {
  return [
    ...HOST.map(([name, kind, does]) => ({ name, kind, does, ...hostStatus(backend) })),
    ...WASM.map(([name, does]) => ({ name, kind: 'wasm' as const, does, ...wasmStatus(backend, name) })),
  ];
}
