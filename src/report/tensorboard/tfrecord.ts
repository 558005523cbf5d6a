/**
 * TFRecord framing, the container of TensorBoard event files. Each record is
 *
 *   uint64 length (LE) | uint32 masked_crc32c(length bytes) | data | uint32 masked_crc32c(data)
 *
 * with both CRCs little-endian (TensorFlow `core/lib/io/record_writer.cc`).
 */
import { maskedCrc32c } from './crc32c.js';

/** Bytes of framing around each record's data: 8 length + 4 + 4 CRCs. */
export const RECORD_OVERHEAD = 16;

/** Frames one record. Returns a new buffer of `data.length + 16` bytes. */
export function encodeTfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + RECORD_OVERHEAD);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** Why a byte stream is not a valid sequence of TFRecords. */
export class TfRecordError extends Error {
  /** Byte offset of the record that failed. */
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} at byte ${offset}`);
    this.name = 'TfRecordError';
    this.offset = offset;
  }
}

/**
 * Splits a byte stream into record payloads, verifying both masked CRCs of every record.
 * Throws `TfRecordError` on a CRC mismatch or a truncated record (a test wants to know).
 * With `tornTail: 'stop'` a record cut short by the end of the bytes (a writer killed
 * mid-write) ends the list quietly instead, as TensorBoard's own reader does; a CRC
 * mismatch still throws.
 * @returns the payloads as views into `bytes` (no copy).
 */
export function decodeTfRecords(bytes: Uint8Array, options: { tornTail?: 'throw' | 'stop' } = {}): Uint8Array[] {
  const stop = options.tornTail === 'stop';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 12 > bytes.length) {
      if (stop) break;
      throw new TfRecordError('truncated record header', offset);
    }
    const length = Number(view.getBigUint64(offset, true));
    if (view.getUint32(offset + 8, true) !== maskedCrc32c(bytes.subarray(offset, offset + 8))) {
      throw new TfRecordError('length CRC mismatch', offset);
    }
    const start = offset + 12;
    if (start + length + 4 > bytes.length) {
      if (stop) break;
      throw new TfRecordError('truncated record data', offset);
    }
    const data = bytes.subarray(start, start + length);
    if (view.getUint32(start + length, true) !== maskedCrc32c(data)) {
      throw new TfRecordError('data CRC mismatch', offset);
    }
    records.push(data);
    offset = start + length + 4;
  }
  return records;
}
