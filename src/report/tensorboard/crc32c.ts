/**
 * CRC-32C (Castagnoli) and the masked form that TFRecord framing stores.
 *
 * The CRC itself comes from `crc-32` (SheetJS, pure JS, slice-by-16 tables, no native
 * build), which returns a signed int; everything here is normalised to uint32.
 */
import CRC32C from 'crc-32/crc32c.js';

/** Added after the rotation in `maskCrc32c`; the constant of TensorFlow's `crc32c::Mask`. */
const MASK_DELTA = 0xa282ead8;

/**
 * CRC-32C of `data` as an unsigned 32-bit integer.
 * Check value (RFC 3720 / iSCSI): `crc32c(utf8("123456789")) === 0xe3069283`; empty input → 0.
 */
export function crc32c(data: Uint8Array): number {
  return CRC32C.buf(data) >>> 0;
}

/**
 * TFRecord's masked CRC: `((crc >>> 15) | (crc << 17)) + 0xa282ead8 (mod 2^32)`.
 * Masking keeps a CRC of data that itself embeds CRCs from being degenerate.
 * @returns an unsigned 32-bit integer.
 */
export function maskCrc32c(crc: number): number {
  const rotated = ((crc >>> 15) | (crc << 17)) >>> 0;
  return (rotated + MASK_DELTA) >>> 0;
}

/** Inverse of `maskCrc32c`: `rot = masked − 0xa282ead8; crc = (rot >>> 17) | (rot << 15)`. */
export function unmaskCrc32c(masked: number): number {
  const rotated = (masked - MASK_DELTA) >>> 0;
  return ((rotated >>> 17) | (rotated << 15)) >>> 0;
}

/** `maskCrc32c(crc32c(data))`, the value TFRecord stores after the length and the data. */
export function maskedCrc32c(data: Uint8Array): number {
  return maskCrc32c(crc32c(data));
}
