import { describe, expect, it } from 'vitest';
import { linearScale, logScale } from './scale.js';

describe('linearScale', () => {
  it('widens the data range to round ticks and maps it onto the pixel range', () => {
    const scale = linearScale([0.3, 2.2], [0, 100], 5);
    expect(scale.ticks).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    expect(scale.domain).toEqual([0, 2.5]);
    expect(scale.position(1.25)).toBeCloseTo(50, 9);
  });

  it('keeps a given domain, and gives a single value a unit range', () => {
    const fixed = linearScale([5], [0, 10], 4, [0, 1]);
    expect(fixed.domain).toEqual([0, 1]);
    expect(fixed.ticks).toEqual([0, 0.5, 1]);
    expect(linearScale([3, 3], [0, 1]).domain).toEqual([2, 4]);
  });
});

describe('logScale', () => {
  it('spans whole decades, with a tick at each power of ten', () => {
    const scale = logScale([0.5, 1500, -1, 0], [100, 0]);
    expect(scale.ticks).toEqual([0.1, 1, 10, 100, 1000, 10000]);
    expect(scale.position(10)).toBeCloseTo(60, 9); // 2 of 5 decades up from 0.1
    expect(scale.position(0)).toBeNaN();
  });

  it('thins the ticks over many decades', () => {
    expect(logScale([1, 1e12], [0, 1]).ticks).toEqual([1, 100, 1e4, 1e6, 1e8, 1e10, 1e12]);
  });
});

describe('linearScale over counts', () => {
  it('puts ticks on whole numbers only', () => {
    expect(linearScale([1, 2], [0, 100], 5, undefined, true).ticks).toEqual([1, 2]);
    expect(linearScale([1, 2], [0, 100], 5).ticks).toEqual([1, 1.2, 1.4, 1.6, 1.8, 2]);
  });
});
