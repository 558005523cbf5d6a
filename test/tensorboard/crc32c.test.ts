import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c, maskCrc32c, maskedCrc32c, unmaskCrc32c } from '../../src/report/tensorboard/crc32c.js';

const bytes = (n: number, f: (i: number) => number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => f(i));

describe('crc32c', () => {
  // Published check values: the CRC catalogue's "123456789" check, and RFC 3720 appendix B.4.
  it.each([
    ['"123456789"', new TextEncoder().encode('123456789'), 0xe3069283],
    ['empty', new Uint8Array(0), 0],
    ['32 zero bytes', bytes(32, () => 0), 0x8a9136aa],
    ['32 bytes of 0xff', bytes(32, () => 0xff), 0x62a8ab43],
    ['bytes 0..31', bytes(32, (i) => i), 0x46dd794e],
    ['bytes 31..0', bytes(32, (i) => 31 - i), 0x113fdb5c],
  ])('matches the published check value for %s', (_name, data, expected) => {
    expect(crc32c(data)).toBe(expected);
  });

  it('returns an unsigned 32-bit integer even when the top bit is set', () => {
    // 0xe3069283 has its top bit set; crc-32 itself returns it as a negative int.
    expect(crc32c(new TextEncoder().encode('123456789'))).toBeGreaterThan(0x7fffffff);
  });
});

describe('maskCrc32c', () => {
  it('applies TensorFlow mask: rotate right 15, add 0xa282ead8 mod 2^32', () => {
    // crc = 0x00000001: rotr15 → 0x00020000; + 0xa282ead8 = 0xa284ead8.
    expect(maskCrc32c(0x00000001)).toBe(0xa284ead8);
    // crc = 0: rotation is 0, so the mask is the delta itself.
    expect(maskCrc32c(0)).toBe(0xa282ead8);
    // crc = 0x80000000: rotr15 → 0x00010000; + delta = 0xa283ead8.
    expect(maskCrc32c(0x80000000)).toBe(0xa283ead8);
    // crc = 0xffffffff: rotation is 0xffffffff; + delta wraps to 0xa282ead7.
    expect(maskCrc32c(0xffffffff)).toBe(0xa282ead7);
  });

  it('is undone by unmaskCrc32c for every uint32', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), (crc) => {
        expect(unmaskCrc32c(maskCrc32c(crc))).toBe(crc);
      }),
    );
  });

  it('maskedCrc32c is the mask of the CRC', () => {
    const data = new TextEncoder().encode('123456789');
    expect(maskedCrc32c(data)).toBe(maskCrc32c(0xe3069283));
  });
});
