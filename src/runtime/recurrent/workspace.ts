/**
 * Temporaries and matrix products inside a recurrent host kernel. The products are the
 * backend's own `BatchMatMul` (no engine, no tape): XNNPACK on wasm is ~25× faster than a
 * JS loop on the per-step [batch, units]·[units, G·units] product (20 µs against 500 µs
 * measured for 64×32·32×128), and it caches the packed right operand by data id, so a step
 * loop against the same recurrent kernel packs it once. On wasm the module's exported
 * `BatchMatMul` is called as tfjs-backend-wasm 4.22's kernel calls it, without the
 * kernel's per-call reshapes, shape arrays and `ccall` lookup (a third of a small
 * product's cost; a recurrent layer makes 40–80 products per training step).
 */
import { tf } from '../tf.js';
import { hostIo, type HostBackendName, type HostIo } from '../kernels/host-io.js';
import type { KernelBackend } from '../kernels/run-kernel.js';

type Info = tf.TensorInfo;

/** What the direct wasm product needs of tfjs-backend-wasm's backend and module. */
interface WasmBackend {
  dataIdMap: { get(dataId: object): { id: number } };
  wasm: { _BatchMatMul?: (...args: number[]) => void; _malloc(bytes: number): number; _free(at: number): void; HEAP32: Int32Array };
}

/** Writes a · b into `out`, an existing [M, N] tensor distinct from a and b. */
type ProductInto = (a: Info, b: Info, out: Info) => void;

/** The product by the backend's registered `BatchMatMul` kernel, copied into `out`. */
function kernelProduct(backend: KernelBackend, io: HostIo, name: HostBackendName): ProductInto {
  const kernel = tf.getKernel('BatchMatMul', name);
  if (!kernel) throw new Error(`${name} kernel BatchMatMul is missing`);
  const attrs = { transposeA: false, transposeB: false } as unknown as tf.NamedAttrMap;
  return (a, b, out) => {
    const product = kernel.kernelFunc({ inputs: { a, b }, backend, attrs }) as Info;
    io.view(out).set(io.read(product));
    backend.disposeData(product.dataId);
  };
}

/**
 * The product by the wasm module's `BatchMatMul(a_id, a_shape, 3, b_id, b_shape, 3,
 * transpose_a, transpose_b, out_id)` with [1, M, K]·[1, K, N] shapes written to `shapes`
 * (6 int32 the caller allocated on the module's heap). It allocates nothing.
 */
function wasmProduct(backend: WasmBackend, shapes: number): ProductInto {
  const { wasm, dataIdMap } = backend;
  const matMul = wasm._BatchMatMul!;
  return (a, b, out) => {
    const [m, k] = a.shape as [number, number];
    const n = b.shape[1]!;
    wasm.HEAP32.set([1, m, k, 1, k, n], shapes >> 2);
    matMul(dataIdMap.get(a.dataId).id, shapes, 3, dataIdMap.get(b.dataId).id, shapes + 12, 3, 0, 0, dataIdMap.get(out.dataId).id);
  };
}

/** Float32 scratch tensors of one kernel call, freed together by `dispose`. */
export interface Workspace {
  readonly backend: HostBackendName;
  readonly io: HostIo;
  /** A new float32 tensor, freed by `dispose` unless handed to `keep`. */
  alloc(shape: number[]): Info;
  /**
   * a · b (rank 2, neither transposed) by the backend's kernel: a new tensor, freed by
   * `dispose` or earlier by `free`. It allocates: take views afterwards.
   */
  product(a: Info, b: Info): Info;
  /**
   * a · b written into `out` ([M, N], not a or b). On wasm it allocates nothing, so views
   * taken before it stay valid: a step loop can take its views once.
   */
  productInto(a: Info, b: Info, out: Info): void;
  /** Frees a temporary now. */
  free(t: Info): void;
  /** Takes `t` out of the temporaries (a kernel output). */
  keep(t: Info): Info;
  /** Frees every temporary still held. */
  dispose(): void;
}

/** A workspace on `backend` (named `name`) whose inputs `inputs` have been brought local. */
export function createWorkspace(backend: tf.KernelBackend, name: HostBackendName, inputs: readonly Info[]): Workspace {
  const io = hostIo(backend, name);
  io.local(inputs);
  const temps = new Set<Info>();
  const track = (t: Info): Info => (temps.add(t), t);
  const module = (backend as unknown as WasmBackend).wasm;
  const shapes = name === 'wasm' && typeof module._BatchMatMul === 'function' ? module._malloc(24) : 0;
  const productInto = shapes !== 0 ? wasmProduct(backend as unknown as WasmBackend, shapes) : kernelProduct(backend as KernelBackend, io, name);
  return {
    backend: name,
    io,
    alloc: (shape) => track(io.alloc(shape)),
    product: (a, b) => {
      const out = track(io.alloc([a.shape[0]!, b.shape[1]!]));
      productInto(a, b, out);
      return out;
    },
    productInto,
    free: (t) => {
      temps.delete(t);
      (backend as KernelBackend).disposeData(t.dataId);
    },
    keep: (t) => (temps.delete(t), t),
    dispose: () => {
      for (const t of temps) (backend as KernelBackend).disposeData(t.dataId);
      temps.clear();
      if (shapes !== 0) module._free(shapes);
    },
  };
}
