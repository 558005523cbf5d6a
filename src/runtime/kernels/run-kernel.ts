/**
 * Composes a kernel from other registered kernels of the same backend, calling their
 * kernel functions directly (no engine, no tape), and frees every intermediate.
 */
import { tf } from '../tf.js';

type TensorInfo = tf.TensorInfo;
/** A backend as kernels see it: anything that can free a data id. */
export type KernelBackend = tf.KernelBackend & { disposeData(dataId: object): boolean };

/** Runs the backend's kernel `name`; records its output for {@link withKernels} to free. */
export type RunKernel = (name: string, inputs: Record<string, TensorInfo> | TensorInfo[], attrs?: object) => TensorInfo;

/**
 * Calls `body` with a `run` function bound to `backendName`'s kernels and an `adopt`
 * function for tensors it allocates itself; every output of `run` and every adopted tensor
 * is disposed afterwards except the one `body` returns (also on a throw).
 */
export function withKernels(backend: KernelBackend, backendName: string, body: (run: RunKernel, adopt: (t: TensorInfo) => TensorInfo) => TensorInfo): TensorInfo {
  const temps: TensorInfo[] = [];
  const run: RunKernel = (name, inputs, attrs = {}) => {
    const kernel = tf.getKernel(name, backendName);
    if (!kernel) throw new Error(`${backendName} kernel ${name} is missing`);
    const out = kernel.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend, attrs: attrs as tf.NamedAttrMap }) as TensorInfo;
    temps.push(out);
    return out;
  };
  const adopt = (t: TensorInfo): TensorInfo => (temps.push(t), t);
  let result: TensorInfo | undefined;
  try {
    result = body(run, adopt);
    return result;
  } finally {
    for (const t of temps) if (t !== result) backend.disposeData(t.dataId);
  }
}
