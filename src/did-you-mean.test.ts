import { describe, expect, it } from 'vitest';
import { didYouMean, levenshtein } from './did-you-mean.js';

describe('levenshtein', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3], // k→s, e→i, +g
    ['optimiser', 'optimizer', 1], // s→z
    ['seqLen', 'seqLength', 3], // +g +t +h
    ['abc', 'abc', 0],
  ])('%s → %s is %i', (a, b, d) => {
    expect(levenshtein(a, b)).toBe(d);
    expect(levenshtein(b, a)).toBe(d);
  });
});

describe('didYouMean', () => {
  const dataKeys = ['kind', 'batchSize', 'valFraction', 'shuffle', 'samples', 'seqLength'];
  it.each([
    ['seqLen', dataKeys, 'seqLength'], // prefix of a longer key
    ['batchsize', dataKeys, 'batchSize'], // case only
    ['sampels', dataKeys, 'samples'], // transposition
    ['adamw', ['sgd', 'momentum', 'adam', 'rmsprop'], 'adam'],
    ['nrom', ['none', 'norm', 'value'], 'norm'],
    ['banana', dataKeys, undefined],
    ['x', ['kind'], undefined],
  ])('%s among %j → %s', (input, candidates, expected) => {
    expect(didYouMean(input, candidates)).toBe(expected);
  });

  it('prefers the closest candidate, then the earlier one', () => {
    expect(didYouMean('nome', ['none', 'norm'])).toBe('none');
    expect(didYouMean('lr', ['lr', 'lrs'])).toBe('lr');
  });
});
