/**
 * Errors that cross the library boundary. Issues are data; `cli/render/errors.ts`
 * is the only place that turns them into text.
 */

/** Where a problem was found: `file:line`, `--flag`, or a plain label. */
export interface Issue {
  /** Dotted field path (`clip.maxNorm`), or '' when the whole input is at fault. */
  readonly path: string;
  /** What is wrong, including expected and received values where known. */
  readonly message: string;
  /** How to fix it. */
  readonly hint?: string;
  /** `configs/run.yaml:7`, `--clip-norm`, `fixtures/data.csv:12:3`. */
  readonly source?: string;
}

/**
 * Every issue code gclip throws, by area. Stable snake_case literals (as zod's
 * `invalid_type`): tests, scripts and `isGclipError(e) && e.code === ...` rely on them.
 */
export type ErrorCode =
  // configuration and flags
  | 'config_not_found'
  | 'config_unreadable'
  | 'invalid_config'
  | 'invalid_config_syntax'
  | 'unsupported_config_format'
  | 'invalid_flag'
  | 'conflicting_flags'
  | 'flag_not_applicable'
  | 'invalid_option'
  | 'invalid_inject'
  // files and run directories
  | 'file_exists'
  | 'file_not_found'
  | 'file_unreadable'
  | 'run_dir_exists'
  | 'not_a_run_dir'
  | 'summary_bad_json'
  | 'file_too_large'
  | 'not_a_regular_file'
  | 'too_deeply_nested'
  | 'unsafe_output_path'
  | 'output_unwritable'
  // checkpoints and resume
  | 'no_checkpoint'
  | 'checkpoint_bad'
  | 'checkpoint_mismatch'
  | 'optimizer_state_unknown'
  | 'snapshot_mismatch'
  // replay
  | 'replay_step_missing'
  | 'no_run_config'
  // data files
  | 'data_bad_csv'
  | 'data_bad_json'
  | 'data_bad_shape'
  | 'data_not_found'
  | 'data_unreadable'
  | 'data_empty'
  | 'data_missing_column'
  | 'data_no_features'
  | 'data_non_numeric'
  | 'data_one_class'
  | 'data_duplicate_column'
  | 'data_target_in_features'
  | 'skip_rows_not_found'
  | 'skip_rows_bad'
  | 'skip_rows_unknown'
  // models
  | 'model_bad_json'
  | 'model_bad_manifest'
  | 'model_bad_graph'
  | 'model_bad_topology'
  | 'model_data_mismatch'
  | 'model_input_mismatch'
  | 'model_missing_shard'
  | 'model_not_found'
  | 'model_not_loaded'
  | 'model_not_trainable'
  | 'model_save_empty'
  | 'model_shard_outside'
  | 'model_shard_not_file'
  | 'model_shard_changed'
  | 'model_shard_size'
  | 'model_too_large'
  | 'model_unsupported_optimizer'
  | 'model_unknown_layer'
  | 'model_unreadable'
  | 'model_unsupported'
  | 'model_unsupported_dtype'
  | 'model_weights_mismatch'
  | 'weight_without_layer'
  // clip strategies and plugins
  | 'invalid_clip_option'
  | 'unknown_strategy'
  | 'incompatible_strategy'
  | 'update_clip_optimizer'
  | 'update_clip_readback'
  | 'agc_rank'
  | 'agc_vars'
  | 'update_proposal_vars'
  | 'host_update_order'
  | 'chain_state'
  | 'chain_state_mismatch'
  | 'nonfinite_total_norm'
  | 'invalid_plugin'
  | 'plugin_load_failed'
  | 'plugin_not_found'
  | 'plugin_not_loaded'
  // logs read by check and report
  | 'log_bad_csv'
  | 'log_bad_format'
  | 'log_bad_json'
  | 'log_bad_record'
  | 'log_bad_value'
  | 'log_missing_column'
  | 'log_no_rows'
  | 'baseline_bad_json'
  | 'baseline_invalid'
  // sweeps
  | 'plan_needs_files'
  | 'shard_incomplete'
  | 'shard_mismatch'
  | 'sweep_dir_invalid'
  | 'store_mismatch'
  | 'sweep_invalid'
  | 'sweep_result_missing'
  | 'sweep_worker_failed'
  // runtime and sinks
  | 'backend_unavailable'
  | 'sink_failed'
  | 'sink_not_open'
  | 'sink_write_failed';

/** Exit codes documented in `--help` and the README; `replayDiffers`: `gclip replay` found a quantity beyond tolerance. */
export const EXIT = { ok: 0, unstable: 1, badInput: 2, internal: 3, replayDiffers: 4 } as const;

/**
 * The error type gclip throws on purpose. `code` is one of `ErrorCode`; `exitCode` is 2
 * for bad input, 3 for an internal invariant violation.
 */
export class GclipError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: 2 | 3;
  readonly issues: readonly Issue[];

  constructor(code: ErrorCode, issues: readonly Issue[], exitCode: 2 | 3 = 2) {
    super(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ') || code);
    this.name = 'GclipError';
    this.code = code;
    this.exitCode = exitCode;
    this.issues = issues;
  }
}

/** A user input problem (exit 2) with a single issue. */
export function inputError(code: ErrorCode, issue: Issue): GclipError {
  return new GclipError(code, [issue], 2);
}

/** An invariant violation inside gclip (exit 3). */
export function internalError(code: ErrorCode, message: string): GclipError {
  return new GclipError(code, [{ path: '', message }], 3);
}

/** True when `e` is a GclipError (also across module copies). */
export function isGclipError(e: unknown): e is GclipError {
  return e instanceof GclipError || (e instanceof Error && e.name === 'GclipError' && 'issues' in e);
}
