import { describe, expect, it } from 'vitest';
import { describeNumber, exampleNumber, withinBounds, type NumberBounds } from './bounds.js';

const table: Array<[NumberBounds, string]> = [
  [{}, 'a finite number'],
  [{ integer: true }, 'a finite integer'],
  [{ gt: 0 }, 'a positive number'],
  [{ integer: true, gt: 0 }, 'a positive integer'],
  [{ gt: 1 }, 'a number > 1'],
  [{ integer: true, min: 2 }, 'an integer ≥ 2'],
  [{ max: 1 }, 'a number ≤ 1'],
  [{ lt: 1 }, 'a number < 1'],
  [{ min: 0, max: 100 }, 'a number from 0 to 100'],
  [{ integer: true, min: 20, max: 1000 }, 'an integer from 20 to 1000'],
  [{ gt: 0, lt: 1 }, 'a number greater than 0 and less than 1'],
  [{ min: 0, lt: 1 }, 'a number at least 0 and less than 1'],
  [{ gt: 0, max: 1 }, 'a number greater than 0 and at most 1'],
];

describe('describeNumber', () => {
  it.each(table)('%j → %s', (bounds, text) => {
    expect(describeNumber(bounds)).toBe(text);
  });
});

describe('exampleNumber', () => {
  it.each(table)('%j gives a value within the bounds', (bounds) => {
    expect(withinBounds(exampleNumber(bounds), bounds)).toBe(true);
  });
});

describe('withinBounds', () => {
  it.each([
    [0.5, { gt: 0, lt: 1 }, true],
    [0, { gt: 0, lt: 1 }, false],
    [1, { gt: 0, lt: 1 }, false],
    [0, { min: 0, lt: 1 }, true],
    [2.5, { integer: true, min: 2 }, false],
    [Number.NaN, {}, false],
    [Number.POSITIVE_INFINITY, { min: 0 }, false],
  ])('%s in %j is %s', (value, bounds, inside) => {
    expect(withinBounds(value, bounds)).toBe(inside);
  });
});
