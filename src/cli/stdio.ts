/**
 * stdout and stderr that outlive their reader. `gclip train … | head -3` closes the pipe
 * after three lines; the next write fails with EPIPE (Node ignores SIGPIPE and reports the
 * failure as an `error` event, which, unhandled, ends the process without `summary.json`).
 * What gclip prints is a view of the run, and the run directory is the product: a closed
 * stream is dropped and the command carries on to its normal end, its files and its exit
 * code, as `tee -p` keeps writing its file when a pipe reader leaves (docs/checkpoints.md).
 */

/** The part of a Node writable stream this module uses (a fake in tests). */
export interface StdStream {
  write(text: string): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** A stream's writer: `write` drops text once the stream has failed; `closed` says whether it has. */
export interface StdWriter {
  readonly write: (text: string) => void;
  readonly closed: () => boolean;
}

/**
 * Wraps `stream` so that a write error (EPIPE from a reader that left, EIO from a closed
 * terminal, ENOSPC on a redirected file) silences it instead of ending the process: the
 * `error` listener stays for the process's life (late errors of queued writes land there
 * too), and every later `write` is dropped.
 */
export function createStdWriter(stream: StdStream): StdWriter {
  let closed = false;
  stream.on('error', () => {
    closed = true;
  });
  return {
    write(text) {
      if (closed) return;
      try {
        stream.write(text);
      } catch {
        closed = true;
      }
    },
    closed: () => closed,
  };
}
