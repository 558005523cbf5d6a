/**
 * Kernels written in plain JS for the two backends that keep tensor data in host memory:
 * wasm (a view of the module's heap) and cpu (typed arrays). Reading an input there is a
 * memory view, not a device sync, so such a kernel can fold many small tfjs ops into one
 * dispatch (issue #9: on small models the cost is op dispatch, not arithmetic).
 */
import { tf } from '../tf.js';

type Info = tf.TensorInfo;
/** tfjs's DataStorage: `get` moves data that lives on another backend here (allocating); `has` does not. */
type Storage<T> = { get(id: object): T; has(id: object): boolean };
type HostBackend = tf.KernelBackend & {
  wasm?: { asm?: { memory?: unknown } };
  typedArrayFromHeap?(t: Info): Float32Array;
  makeOutput?(shape: number[], dtype: 'float32'): Info;
  dataIdMap?: Storage<unknown>;
  data?: Storage<{ values?: ArrayLike<number> }>;
  makeTensorInfo?(shape: number[], dtype: 'float32', values: Float32Array): Info;
};

/** The backends whose data lives in host memory. */
export type HostBackendName = 'wasm' | 'cpu';

/** Whether the tfjs backend `name` keeps tensor data in host memory, where gclip's host kernels run. */
export function isHostBackend(name: string): name is HostBackendName {
  return name === 'wasm' || name === 'cpu';
}

/** Input views and output allocation inside a host kernel (float32 only). */
export interface HostIo {
  /** The values of a float32 input, without a copy. Read-only by contract. */
  read(t: Info): ArrayLike<number>;
  /** A new float32 output of `shape` holding `values`. */
  write(shape: number[], values: ArrayLike<number>): Info;
  /**
   * A new float32 output of `shape` with unspecified contents, to be filled through `view`.
   * On wasm an allocation may grow the heap, which detaches every view taken before it:
   * allocate all outputs first, then take the views of inputs and outputs.
   */
  alloc(shape: number[]): Info;
  /** A writable view of a float32 tensor's values (an output from `alloc`); see `alloc`. */
  view(t: Info): Float32Array;
  /**
   * Brings inputs whose data still lives on another backend (tensors made before a
   * `setBackend`) to this one. tfjs moves such data on first access, which allocates and,
   * on wasm, detaches the views already taken: call it before any `alloc` or view.
   */
  local(ts: readonly Info[]): void;
  /** The `WebAssembly.Memory` the wasm backend's views are on (null on cpu, or where tfjs does not expose it). */
  readonly memory: WebAssembly.Memory | null;
}

/** `HostIo` for `backend`, which must be the named backend. */
export function hostIo(backend: tf.KernelBackend, name: HostBackendName): HostIo {
  const b = backend as HostBackend;
  if (name === 'wasm') {
    return {
      read: (t) => b.typedArrayFromHeap!(t),
      write: (shape, values) => {
        const out = b.makeOutput!(shape, 'float32');
        b.typedArrayFromHeap!(out).set(values);
        return out;
      },
      alloc: (shape) => b.makeOutput!(shape, 'float32'),
      view: (t) => b.typedArrayFromHeap!(t),
      local: (ts) => {
        for (let i = 0; i < ts.length; i++) if (!b.dataIdMap!.has(ts[i]!.dataId)) b.dataIdMap!.get(ts[i]!.dataId);
      },
      memory: b.wasm?.asm?.memory instanceof WebAssembly.Memory ? b.wasm.asm.memory : null,
    };
  }
  return {
    read: (t) => b.data!.get(t.dataId).values!,
    write: (shape, values) => b.makeTensorInfo!(shape, 'float32', Float32Array.from(values)),
    alloc: (shape) => b.makeTensorInfo!(shape, 'float32', new Float32Array(shape.reduce((n, d) => n * d, 1))),
    view: (t) => b.data!.get(t.dataId).values as Float32Array,
    local: (ts) => {
      for (let i = 0; i < ts.length; i++) if (!b.data!.has(ts[i]!.dataId)) b.data!.get(ts[i]!.dataId);
    },
    memory: null,
  };
}

/** The inputs of a kernel called with `{ t0, t1, … }`, in index order (whatever the insertion order). */
export function indexedInputs(inputs: tf.NamedTensorInfoMap): Info[] {
  const out: Info[] = [];
  for (const key in inputs) out[Number(key.slice(1))] = inputs[key]!;
  return out;
}

/** The work of a host kernel: its inputs (`t0`, `t1`, … in index order), attributes and I/O. */
export type HostKernelBody<A> = (inputs: Info[], attrs: A, io: HostIo, backendName: HostBackendName) => Info | Info[];

/** The config factory `ensureHostKernel` takes, for a kernel called with inputs `{ t0, t1, … }`. */
export function hostKernel<A>(kernelName: string, body: HostKernelBody<A>): (backendName: HostBackendName) => tf.KernelConfig {
  return (backendName) => ({
    kernelName,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const all = indexedInputs(inputs);
      const io = hostIo(backend as tf.KernelBackend, backendName);
      io.local(all);
      return body(all, attrs as unknown as A, io, backendName);
    },
  });
}

/**
 * Registers `kernelName` on the active backend from `make(backendName)` if that backend
 * keeps data on the host and has no such kernel yet. Returns whether the active backend
 * can run it (false on tfjs-node, webgl, …: callers fall back to tfjs ops).
 */
export function ensureHostKernel(kernelName: string, make: (name: HostBackendName) => tf.KernelConfig): boolean {
  const name = tf.getBackend();
  if (!isHostBackend(name)) return false;
  if (!tf.getKernel(kernelName, name)) tf.registerKernel(make(name));
  return true;
}
