/**
 * What a run name may be. Free of node:* imports, so the config schema (bundled for the
 * browser too) can use it; `out-path.ts` enforces it where output folders are derived.
 */

/**
 * What a run name may be: 1 to 100 of `A–Z a–z 0–9 . _ -`, starting with a letter or
 * digit. So it is one path segment on every OS (no `/`, `\`, `..`, drive letters, control
 * characters or leading dot).
 */
export const RUN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** What {@link RUN_NAME_PATTERN} allows, as the noun phrase of "expected …" in errors. */
export const RUN_NAME_RULE = "a name of 1 to 100 letters, digits, '.', '_' or '-' that starts with a letter or digit (it names a folder under runs/ and sweeps/)";
