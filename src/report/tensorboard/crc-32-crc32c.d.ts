// crc-32 ships types for its CRC-32 entry point only; its CRC-32C module has the same API.
declare module 'crc-32/crc32c.js' {
  /** CRC-32C of the bytes as a *signed* 32-bit integer; `seed` continues a running CRC. */
  export function buf(data: number[] | Uint8Array, seed?: number): number;
}
