/**
 * Reading a file within a size limit: the file is opened (non-blocking, so a FIFO cannot
 * stall the open), checked to be a regular file and no larger than the limit, and only
 * then read, stopping at the limit even if the file grows meanwhile. `/dev/zero`, a FIFO,
 * a directory or a 10 GB log is refused with an exit-2 error, never read into memory.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { inputError, type GclipError } from '../errors.js';
import { formatBytes, type ReadLimit } from './limits.js';

/** The `file_too_large` error for a file of `size` bytes (or a phrase) over `limit`. */
export function tooLarge(shown: string, size: number | string, limit: ReadLimit): GclipError {
  const got = typeof size === 'number' ? formatBytes(size) : size;
  return inputError('file_too_large', { path: '', message: `${limit.what} ${shown} is ${got}, over gclip's limit of ${formatBytes(limit.bytes)} for a ${limit.what}`, hint: limit.hint, source: shown });
}

/**
 * The bytes of the regular file at `path`, at most `limit.bytes` of them. `shown` is the
 * path as the user gave it, for messages. A missing file rejects with Node's ENOENT error
 * (callers turn it into their own `*_not_found`).
 *
 * Throws `not_a_regular_file` (a directory, device, FIFO or socket) and `file_too_large`
 * (exit 2, naming the file, its size and the limit).
 */
export async function readBounded(path: string, limit: ReadLimit, shown = path): Promise<Buffer> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = await handle.stat();
    if (!st.isFile()) {
      const kind = st.isDirectory() ? 'a directory' : st.isFIFO() ? 'a FIFO' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : 'not a regular file';
      throw inputError('not_a_regular_file', { path: '', message: `${limit.what} ${shown} is ${kind}, not a regular file`, hint: `Pass the path of the ${limit.what} itself.`, source: shown });
    }
    if (st.size > limit.bytes) throw tooLarge(shown, st.size, limit);
    const buffer = Buffer.alloc(Math.min(st.size, limit.bytes) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) {
        // Grew after the stat: read on only to learn whether it is still within the limit.
        if (length > limit.bytes) throw tooLarge(shown, `more than ${formatBytes(limit.bytes)}`, limit);
        break;
      }
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/** {@link readBounded} decoded as UTF-8. */
export async function readTextBounded(path: string, limit: ReadLimit, shown = path): Promise<string> {
  return (await readBounded(path, limit, shown)).toString('utf8');
}
