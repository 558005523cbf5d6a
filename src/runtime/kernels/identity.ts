/**
 * `Identity` for the wasm backend that shares its input's memory (one more reference)
 * instead of copying it, as the cpu backend's does and wasm's own `Reshape` already does.
 * tfjs calls Identity for every tensor the gradient tape saves (`engine.clone`), so an
 * LSTM step on wasm made ~970 copies (a malloc and a memcpy each) for nothing: tensors
 * are immutable, and every wasm kernel writes to a fresh output.
 */
import { tf } from '../tf.js';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap };

/** The wasm `Identity` config, keeping `inner` (the backend's own) for string tensors. */
export function identityWasmConfig(inner: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
    const x = args.inputs.x!;
    if (x.dtype === 'string') return (inner.kernelFunc as unknown as (a: KernelArgs) => tf.TensorInfo)(args);
    (args.backend as tf.KernelBackend & { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  return { ...inner, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
