import { describe, expect, it } from 'vitest';
import { Rng, seededPermutation } from './rng.js';

describe('Rng', () => {
  it('gives the same sequence for the same seed, a different one for another', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const seqA = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(seqA);
  });

  it('is pinned: these values are the contract with saved runs', () => {
    const rng = new Rng(1);
    expect(Array.from({ length: 3 }, () => rng.nextUint32())).toMatchInlineSnapshot(`
      [
        2442144158,
        3238099751,
        3819917871,
      ]
    `);
  });

  it('resumes exactly from a saved state', () => {
    const rng = new Rng(7);
    rng.nextUint32();
    const saved = rng.state();
    const expected = [rng.nextUint32(), rng.nextUint32()];
    const resumed = Rng.fromState(saved);
    expect([resumed.nextUint32(), resumed.nextUint32()]).toEqual(expected);
  });

  it('rejects a malformed state', () => {
    expect(() => Rng.fromState([1, 2, 3])).toThrow(/four unsigned 32-bit integers/);
    expect(() => Rng.fromState([1, 2, 3, -1])).toThrow(/four unsigned 32-bit integers/);
  });

  it('draws floats in [0, 1) and unbiased integers in range', () => {
    const rng = new Rng(3);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) {
      const f = rng.nextFloat();
      expect(f >= 0 && f < 1).toBe(true);
      counts[rng.nextInt(3)]++;
    }
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(400);
  });

  it('shuffles into a permutation', () => {
    const order = seededPermutation(100, 5);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(order)).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(seededPermutation(100, 5))).toEqual(Array.from(order));
  });
});
