/**
 * "Did you mean …?" suggestions for misspelt config keys, enum values and kinds.
 * A dozen lines of edit distance do not justify a dependency.
 */

/**
 * Levenshtein distance: the fewest single-character insertions, deletions and
 * substitutions that turn `a` into `b`. Case-sensitive; `levenshtein('', 'abc')` is 3.
 */
export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The candidate closest to `input`, or undefined when none is close enough.
 *
 * Close enough: case-insensitive distance ≤ max(2, ⌈0.4 × longer length⌉), or one is a
 * prefix of the other and the shorter has at least 3 characters (`seqLen` → `seqLength`,
 * `opt` → `optimizer`). Ties go to the earlier candidate, so pass them in schema order.
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = closeness(needle, candidate.toLowerCase());
    if (distance !== undefined && (best === undefined || distance < best.distance)) {
      best = { candidate, distance };
    }
  }
  return best?.candidate;
}

/** Distance between two lower-cased strings, or undefined when they are not alike. */
function closeness(a: string, b: string): number | undefined {
  const distance = levenshtein(a, b);
  const limit = Math.max(2, Math.ceil(0.4 * Math.max(a.length, b.length)));
  const shorter = Math.min(a.length, b.length);
  const prefix = shorter >= 3 && (a.startsWith(b) || b.startsWith(a));
  return distance <= limit || prefix ? distance : undefined;
}
