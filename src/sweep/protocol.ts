/**
 * Messages between the sweep runner and its worker processes (structured-clone IPC, so
 * NaN and Infinity survive). One task at a time per worker.
 */
import type { BackendName, RunConfig } from '../config/schema.js';
import type { SeedResult } from './metrics.js';

/** Parent → worker. */
export type ToWorker =
  | { readonly type: 'init'; readonly backend: BackendName }
  | { readonly type: 'task'; readonly id: number; readonly pointId: string; readonly seed: number; readonly config: RunConfig };

/** Worker → parent. */
export type FromWorker =
  | { readonly type: 'ready'; readonly backend: string }
  | { readonly type: 'init_error'; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly result: SeedResult };
