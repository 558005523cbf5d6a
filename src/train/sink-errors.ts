/** Wraps a sink failure with the sink's name and the step, as fastai names the callback. */
import { GclipError } from '../errors.js';
import type { Sink } from '../report/sinks/types.js';

/** A sink's failure `e` as the error to raise: a GclipError naming the sink and the step. */
export function sinkError(sink: Sink, step: number | 'open' | 'close', e: unknown): GclipError {
  if (e instanceof GclipError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new GclipError('sink_failed', [
    { path: '', message: `sink '${sink.name}' failed at ${typeof step === 'number' ? `step ${step}` : step}: ${message}`, hint: 'Check that the output directory is writable and has free space.' },
  ], 2);
}

/** Runs `fn`; a failure becomes `sinkError(sink, step, …)`. */
export async function wrapSinkError(sink: Sink, step: number | 'open' | 'close', fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    throw sinkError(sink, step, e);
  }
}
