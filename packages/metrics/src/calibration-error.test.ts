import { describe, expect, it } from 'vitest';
import { CalibrationError } from './calibration-error.js';

describe('CalibrationError', () => {
  it('matches the hand computation, a confidence on a bin edge going to the lower bin', () => {
    const ece = new CalibrationError({ bins: 5, from: 'probabilities' });
    expect(ece.result()).toBeNaN();
    ece.update(
      [0, 1],
      [
        [0.9, 0.1], // confidence 0.9, correct
        [0.9, 0.1], // confidence 0.9, wrong
      ],
    );
    ece.update(
      [1, 0, 1],
      [
        [0.3, 0.7], // 0.7, correct
        [0.6, 0.4], // 0.6 lies in (0.4, 0.6], correct
        [0.5, 0.5], // a tie predicts class 0: 0.5, wrong
      ],
    );
    // bins (0.8, 1]: |1 - 1.8|; (0.6, 0.8]: |1 - 0.7|; (0.4, 0.6]: |1 - 1.1|
    expect(ece.result()).toBeCloseTo((0.8 + 0.3 + 0.1) / 5, 6);
    const bins = ece.reliability();
    expect(bins.map((b) => b.count)).toEqual([0, 0, 2, 1, 2]);
    expect(bins[2]).toMatchObject({ lower: 0.4, upper: 0.6, accuracy: 0.5 });
    expect(bins[2].confidence).toBeCloseTo(0.55, 6);
    expect(bins[0].confidence).toBeNaN();
    expect(ece.count).toBe(5);
  });

  it('applies softmax to logits and uses 15 bins by default', () => {
    const ece = new CalibrationError();
    ece.update([0], [[Math.log(3), 0]]); // confidence 3/4, correct: |1 - 0.75|
    expect(ece.bins).toBe(15);
    expect(ece.result()).toBeCloseTo(0.25, 6);
    expect(ece.reliability()[11].count).toBe(1); // (11/15, 12/15] = (0.733, 0.8]
  });

  it('is zero for a perfectly calibrated predictor', () => {
    const ece = new CalibrationError({ bins: 10, from: 'probabilities' });
    // Confidence 0.75 and right 3 times out of 4.
    ece.update(
      [0, 0, 0, 1],
      Array.from({ length: 4 }, () => [0.75, 0.25]),
    );
    expect(ece.result()).toBeCloseTo(0, 6);
  });

  it('rejects a bad number of bins', () => {
    expect(() => new CalibrationError({ bins: 0 })).toThrow(
      'Calibration bins must be a positive integer, got 0.',
    );
  });
});
