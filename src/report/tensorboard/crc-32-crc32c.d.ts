// crc-32 ships types for its CRC-32 entry point only; its CRC-32C module has the same API.
// It is CommonJS whose exports Node's ESM loader cannot detect, so only the default import works.
declare module 'crc-32/crc32c.js' {
  const CRC32C: {
    /** CRC-32C of the bytes as a *signed* 32-bit integer; `seed` continues a running CRC. */
    buf(data: number[] | Uint8Array, seed?: number): number;
  };
  export default CRC32C;
}
