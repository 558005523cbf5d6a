/** Wraps a sink failure with the sink's name and the step, as fastai names the callback. */
import { GclipError } from '../errors.js';
import type { Sink } from '../report/sinks/types.js';

/** Runs `fn`; a failure becomes a GclipError naming the sink and the step. */
export async function wrapSinkError(sink: Sink, step: number | 'open' | 'close', fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof GclipError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    throw new GclipError('sink_failed', [
      { path: '', message: `sink '${sink.name}' failed at ${typeof step === 'number' ? `step ${step}` : step}: ${message}`, hint: 'Check that the output directory is writable and has free space.' },
    ], 2);
  }
}
