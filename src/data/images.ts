/**
 * Synthetic images for conv nets: oriented bars in Gaussian noise, a task a small CNN
 * learns in a few dozen steps and an MLP of the same size learns slowly.
 */
import type { ImagesDataConfig } from '../config/schema.js';
import type { Rng } from '../runtime/rng.js';
import type { HostDataset } from './dataset.js';

/** Row and column steps of the bar of each class: horizontal, vertical, diagonal, anti-diagonal. */
const DIRECTIONS: readonly (readonly [number, number])[] = [
  [0, 1],
  [1, 0],
  [1, 1],
  [1, -1],
];

/**
 * `samples` images of `size`×`size`×1: pixel = noise·N(0, 1), plus 1 on a bar of
 * L = 2·⌊size/4⌋ + 1 pixels centred at a uniformly drawn pixel at least ⌊size/4⌋ from
 * every edge, in the direction of its class (drawn uniformly from the first `classes`).
 * y is one-hot. Labels from `rng.fork('labels')`, positions from 'positions', noise
 * from 'noise', so the same seed gives the same bytes on every backend.
 */
export function makeImages(config: ImagesDataConfig, rng: Rng): HostDataset {
  const { samples, size, classes, noise } = config;
  const half = Math.floor(size / 4);
  const labels = rng.fork('labels');
  const positions = rng.fork('positions');
  const noiseRng = rng.fork('noise');
  const pixels = size * size;
  const x = new Float32Array(samples * pixels);
  const y = new Float32Array(samples * classes);
  for (let s = 0; s < samples; s++) {
    const k = labels.int(classes);
    y[s * classes + k] = 1;
    const base = s * pixels;
    for (let p = 0; p < pixels; p++) x[base + p] = noise * noiseRng.normal();
    const r = half + positions.int(size - 2 * half);
    const c = half + positions.int(size - 2 * half);
    const [dr, dc] = DIRECTIONS[k]!;
    for (let t = -half; t <= half; t++) x[base + (r + t * dr) * size + (c + t * dc)]! += 1;
  }
  return { task: 'classification', x, y, inputShape: [size, size, 1], outputDim: classes, samples };
}
