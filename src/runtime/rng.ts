/**
 * The project's only source of randomness: a seeded sfc32 generator (Chris Doty-Humphrey's
 * Small Fast Counter, as in PractRand), seeded through splitmix32 so that nearby seeds give
 * unrelated streams. Pure JS, so weights and batch orders are identical on every backend.
 */

/** A seeded random stream. Each call advances it. */
export interface Rng {
  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number;
  /** Standard normal (Box–Muller; one value per two uniforms, no cached spare). */
  normal(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /**
   * An independent stream derived from this generator's seed and a label ('init', 'batches').
   * It does not advance this stream, so the order of forks never matters.
   */
  fork(label: string): Rng;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Creates a generator from an integer seed. Same seed, same stream, on every platform. */
export function createRng(seed: number): Rng {
  const mix = splitmix32(seed);
  let a = mix(), b = mix(), c = mix(), d = mix();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) next();
  const uniform = (): number => next() / 4294967296;
  return {
    uniform,
    normal() {
      // 1 - u keeps log away from 0.
      const u = 1 - uniform();
      const v = uniform();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    int: (n) => Math.floor(uniform() * n),
    fork: (label) => createRng((Math.imul(seed >>> 0, 0x9e3779b1) ^ hashLabel(label)) >>> 0),
  };
}

/** Fisher–Yates permutation of 0..n-1 drawn from `rng`. */
export function permutation(n: number, rng: Rng): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
