/**
 * A whole recurrent layer (SimpleRNN, LSTM or GRU of tfjs-layers) as one tfjs op on the
 * host backends: one forward kernel dispatch and, under a gradient tape, one backward
 * dispatch, where tfjs-layers dispatches ~140 kernels per LSTM time step (issue #22).
 * Inputs are ordinary tensors and variables, so tfjs's tape delivers the gradients of the
 * layer's own weights; nothing is read back to JS (the kernels read host memory in place).
 */
import { tf, type Tensor } from '../tf.js';
import { ensureHostKernel, indexedInputs, type HostBackendName } from '../kernels/host-io.js';
import { BACKWARD_KERNEL, recurrentBackward } from './backward.js';
import { FORWARD_KERNEL, recurrentForward } from './forward.js';
import type { RecurrentAttrs } from './spec.js';
import { createWorkspace, type Workspace } from './workspace.js';

type Body = (inputs: readonly tf.TensorInfo[], attrs: RecurrentAttrs, ws: Workspace) => tf.TensorInfo[];

/** A kernel config whose body gets its inputs by index and a workspace freed after it. */
function kernelConfig(kernelName: string, body: Body): (name: HostBackendName) => tf.KernelConfig {
  return (backendName) => ({
    kernelName,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const all = indexedInputs(inputs);
      const ws = createWorkspace(backend as tf.KernelBackend, backendName, all);
      try {
        return body(all, attrs as unknown as RecurrentAttrs, ws);
      } finally {
        ws.dispose();
      }
    },
  });
}

const forwardConfig = kernelConfig(FORWARD_KERNEL, recurrentForward);
const backwardConfig = kernelConfig(BACKWARD_KERNEL, recurrentBackward);

/** Whether the active backend can run the fused op (wasm and cpu); registers its kernels there. */
export function recurrentOpAvailable(): boolean {
  return ensureHostKernel(FORWARD_KERNEL, forwardConfig) && ensureHostKernel(BACKWARD_KERNEL, backwardConfig);
}

/** The op's tensor inputs, in the kernels' order (`RecurrentAttrs`). */
export interface RecurrentInputs {
  /** [batch, time, features], float32. */
  readonly x: Tensor;
  /** [features, G·units]. */
  readonly kernel: Tensor;
  /** [units, G·units]. */
  readonly recurrentKernel: Tensor;
  /** [G·units], or null for a layer without bias. */
  readonly bias: Tensor | null;
  /** [h] or [h, c] (LSTM), [batch, units] each; empty to start from zeros. */
  readonly initialState: readonly Tensor[];
}

const run = (name: string, inputs: readonly Tensor[], attrs: RecurrentAttrs): Tensor[] => {
  const map: tf.NamedTensorMap = {};
  for (let i = 0; i < inputs.length; i++) map[`t${i}`] = inputs[i]!;
  return tf.engine().runKernel(name, map, attrs as unknown as tf.NamedAttrMap) as Tensor[];
};

/**
 * The layer's output over the whole sequence: [batch, units] (last state) or
 * [batch, time, units] (`returnSequences`), with the gradients of every input. Call only
 * when {@link recurrentOpAvailable} is true. Matches tfjs-layers' `RNN.call` for the cell
 * and attributes given, to float32 rounding (docs/backends.md states the tolerance).
 */
export function recurrentSequence(inputs: RecurrentInputs, attrs: RecurrentAttrs): Tensor {
  const list = [inputs.x, inputs.kernel, inputs.recurrentKernel, ...(inputs.bias ? [inputs.bias] : []), ...inputs.initialState];
  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [y, tape] = run(FORWARD_KERNEL, list, attrs) as [Tensor, Tensor];
    save([tape, inputs.x, inputs.kernel, inputs.recurrentKernel]);
    const gradFunc = (dy: Tensor, saved: Tensor[]): Tensor[] => run(BACKWARD_KERNEL, [dy, ...saved], attrs);
    return { value: y, gradFunc };
  });
  return op(...list);
}
