import { describe, expect, it } from 'vitest';
import { ciSafeJson, neutralize, neutralizeDeep, neutralizeLines } from './neutralize.js';

describe('neutralize', () => {
  it('writes newlines, escapes and other controls visibly and leaves printable text alone', () => {
    expect(neutralize('a\n::error::pwned\x1b[31m\r\t\x00\x7f\x9b')).toBe('a\\n::error::pwned\\x1b[31m\\r\\t\\x00\\x7f\\x9b');
    expect(neutralize('layer ünïcode → 1.5 C:\\runs %0A ::')).toBe('layer ünïcode → 1.5 C:\\runs %0A ::');
  });

  it("escapes the runner's legacy ##[ prefix, line and paragraph separators and bidi overrides", () => {
    expect(neutralize('x ##[error]y \u2028 \u202e')).toBe('x ##\\x5berror]y \\u2028 \\u202e');
  });

  it('is idempotent on its own output', () => {
    const once = neutralize('\n\x1b##[\u2029');
    expect(neutralize(once)).toBe(once);
  });

  it('neutralizeDeep copies plain data with keys and strings escaped, numbers and typed arrays kept', () => {
    const typed = Float32Array.from([1]);
    const out = neutralizeDeep({ 'a\nb': ['c\x1b', 1, Number.NaN, null], typed });
    expect(out).toEqual({ 'a\\nb': ['c\\x1b', 1, Number.NaN, null], typed });
    expect(out.typed).toBe(typed);
  });

  it('neutralizeLines keeps the line breaks of a message', () => {
    expect(neutralizeLines("error: unknown option '--\x1b[2J'\n")).toBe("error: unknown option '--\\x1b[2J'\n");
  });

  it('ciSafeJson hides ##[ from the runner without changing what the JSON parses to', () => {
    const json = JSON.stringify({ source: '##[error]x' });
    expect(ciSafeJson(json)).not.toContain('##[');
    expect(JSON.parse(ciSafeJson(json))).toEqual({ source: '##[error]x' });
  });
});
