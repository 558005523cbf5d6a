import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createStdWriter } from './stdio.js';

/** A stream that records writes, fails them when told (by throwing or by an `error` event). */
function fakeStream() {
  const emitter = new EventEmitter();
  const written: string[] = [];
  let fail: 'throw' | null = null;
  return {
    written,
    failNextByThrowing: () => (fail = 'throw'),
    emitError: (code: string) => emitter.emit('error', Object.assign(new Error(code), { code })),
    write(text: string) {
      if (fail === 'throw') throw new Error('EPIPE');
      written.push(text);
      return true;
    },
    on: (event: 'error', listener: (error: Error) => void) => emitter.on(event, listener),
  };
}

describe('createStdWriter', () => {
  it('passes text through while the stream is open', () => {
    const s = fakeStream();
    const w = createStdWriter(s);
    w.write('a');
    w.write('b');
    expect(s.written).toEqual(['a', 'b']);
    expect(w.closed()).toBe(false);
  });

  it('an error event (EPIPE from a reader that left) closes it: later writes are dropped, nothing throws', () => {
    const s = fakeStream();
    const w = createStdWriter(s);
    w.write('a');
    expect(() => s.emitError('EPIPE')).not.toThrow();
    w.write('b');
    expect(s.written).toEqual(['a']);
    expect(w.closed()).toBe(true);
    expect(() => s.emitError('ERR_STREAM_DESTROYED')).not.toThrow();
  });

  it('a write that throws closes it too', () => {
    const s = fakeStream();
    const w = createStdWriter(s);
    s.failNextByThrowing();
    expect(() => w.write('a')).not.toThrow();
    expect(w.closed()).toBe(true);
  });
});
