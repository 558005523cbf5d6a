/** Helpers for tests that assert on gclip's errors. */
import { Chalk } from 'chalk';
import { GclipError } from '../../src/errors.js';
import { renderError } from '../../src/cli/render/errors.js';

/** Runs `fn` and returns the GclipError it throws; fails the test if it throws nothing or something else. */
export function thrownGclipError(fn: () => unknown): GclipError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GclipError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

/** The error thrown (or rejected) by `run`, rendered as the CLI prints it, colour off. */
export async function renderedError(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    return renderError(error, { color: new Chalk({ level: 0 }), debug: false });
  }
  throw new Error('expected an error');
}
