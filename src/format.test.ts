import { describe, expect, it } from 'vitest';
import { formatBound, VERDICT } from './check/format.js';
import { formatNumber, formatPercent } from './format.js';

describe('formatNumber, scaled notation (tables and charts)', () => {
  it.each([
    [0.000123456, '1.235e-4'],
    [123456, '1.235e+5'],
    [12345, '12350'],
    [0.5, '0.5'],
    [0, '0'],
    [Number.NaN, 'NaN'],
    [-Infinity, '-Infinity'],
    [null, '—'],
    [undefined, '—'],
  ] as const)('%s → %s', (x, text) => {
    expect(formatNumber(x)).toBe(text);
  });

  it('takes the number of significant digits', () => {
    expect(formatNumber(2 / 3, { digits: 3 })).toBe('0.667');
    expect(formatNumber(1e-7, { digits: 3 })).toBe('1e-7'); // trailing mantissa zeros dropped
  });
});

describe('formatNumber, plain notation (verdicts)', () => {
  it.each([
    [123456, '123456'],
    [12345, '12345'],
    [0.000123456, '0.0001235'],
    [1.23456e-7, '1.235e-7'],
    [2 / 3, '0.6667'],
    [Infinity, 'Infinity'],
    [null, 'n/a'],
  ] as const)('%s → %s', (x, text) => {
    expect(formatNumber(x, VERDICT)).toBe(text);
  });

  it('writes bounds with it', () => {
    expect(formatBound(3)).toBe('≤ 3');
    expect(formatBound({ min: 0, max: 0.55556 })).toBe('0–0.5556');
  });
});

describe('formatPercent', () => {
  it('writes a fraction with one decimal', () => {
    expect(formatPercent(0.1234)).toBe('12.3%');
  });
});
