/**
 * Packs a step's tensors into the one float32 vector the loop reads back: a single kernel
 * dispatch on wasm and cpu (which keep data in host memory) instead of a reshape per
 * scalar plus a concat; `tf.concat` of flattened tensors elsewhere.
 */
import { ensureHostKernel, hostIo, indexedInputs, type HostBackendName } from '../runtime/host-kernels.js';
import { tf, type Tensor } from '../runtime/tf.js';

/** The kernel's registry name. */
export const PACK_KERNEL = 'GclipPack';

function packConfig(backendName: HostBackendName): tf.KernelConfig {
  return {
    kernelName: PACK_KERNEL,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const io = hostIo(backend as tf.KernelBackend, backendName);
      const parts = indexedInputs(inputs).map((t) => io.read(t));
      const values = new Float32Array(parts.reduce((n, v) => n + v.length, 0));
      let offset = 0;
      for (const v of parts) {
        values.set(v, offset);
        offset += v.length;
      }
      return io.write([values.length], values);
    },
  };
}

/**
 * The entries of `parts`, each flattened in row-major order, one after the other: the same
 * vector as `tf.concat(parts.map((t) => t.reshape([-1])))`. Every part must be float32.
 * @returns a new [Σ size] tensor owned by the caller; the parts are not disposed.
 */
export function packParts(parts: readonly Tensor[]): tf.Tensor1D {
  if (parts.length === 0) return tf.tensor1d([]);
  if (!ensureHostKernel(PACK_KERNEL, packConfig) || parts.some((t) => t.dtype !== 'float32')) {
    return tf.tidy(() => tf.concat(parts.map((t) => tf.reshape(t, [-1]))) as tf.Tensor1D);
  }
  const inputs: tf.NamedTensorMap = {};
  parts.forEach((t, i) => (inputs[`t${i}`] = t));
  return tf.engine().runKernel(PACK_KERNEL, inputs, {}) as tf.Tensor1D;
}
