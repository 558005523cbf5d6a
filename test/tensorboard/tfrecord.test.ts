import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskedCrc32c } from '../../src/report/tensorboard/crc32c.js';
import { decodeTfRecords, encodeTfRecord, TfRecordError } from '../../src/report/tensorboard/tfrecord.js';

const concat = (parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));

describe('encodeTfRecord', () => {
  it('lays out length, length CRC, data, data CRC little-endian', () => {
    const data = new TextEncoder().encode('abc');
    const framed = encodeTfRecord(data);
    const view = new DataView(framed.buffer);
    expect(framed.length).toBe(3 + 16);
    expect(view.getBigUint64(0, true)).toBe(3n);
    expect(view.getUint32(8, true)).toBe(maskedCrc32c(Uint8Array.of(3, 0, 0, 0, 0, 0, 0, 0)));
    expect([...framed.subarray(12, 15)]).toEqual([...data]);
    expect(view.getUint32(15, true)).toBe(maskedCrc32c(data));
  });

  it('frames an empty payload as 16 bytes', () => {
    expect(encodeTfRecord(new Uint8Array(0)).length).toBe(16);
  });
});

describe('decodeTfRecords', () => {
  it('returns the payloads of concatenated records', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (payloads) => {
        const decoded = decodeTfRecords(concat(payloads.map(encodeTfRecord)));
        expect(decoded.map((d) => [...d])).toEqual(payloads.map((p) => [...p]));
      }),
    );
  });

  it.each([
    ['the length', 0, 'length CRC mismatch'],
    ['the length CRC', 9, 'length CRC mismatch'],
    ['the data', 13, 'data CRC mismatch'],
    ['the data CRC', 16, 'data CRC mismatch'],
  ])('rejects a record with a flipped bit in %s', (_where, index, message) => {
    const framed = encodeTfRecord(new TextEncoder().encode('payload'));
    framed[index]! ^= 0x01;
    expect(() => decodeTfRecords(framed)).toThrow(new TfRecordError(message, 0));
  });

  it('names the offset of the bad record', () => {
    const good = encodeTfRecord(Uint8Array.of(1, 2));
    const bad = encodeTfRecord(Uint8Array.of(3));
    bad[12]! ^= 0xff;
    expect(() => decodeTfRecords(concat([good, bad]))).toThrow('data CRC mismatch at byte 18');
  });

  it('rejects a truncated header and truncated data', () => {
    const framed = encodeTfRecord(Uint8Array.of(1, 2, 3));
    expect(() => decodeTfRecords(framed.subarray(0, 10))).toThrow('truncated record header at byte 0');
    expect(() => decodeTfRecords(framed.subarray(0, 17))).toThrow('truncated record data at byte 0');
  });
});
