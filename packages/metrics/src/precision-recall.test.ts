import { describe, expect, it } from 'vitest';
import { ConfusionMatrix } from './confusion-matrix.js';
import { precisionRecallF1 } from './precision-recall.js';

// Five classes: 0 and 1 occur and are predicted; 2 is predicted but never occurs; 3 neither
// occurs nor is predicted; 4 occurs but is never predicted. (true -> predicted)
const TRUE = [0, 0, 0, 1, 1, 4];
const PREDICTED = [0, 0, 1, 1, 2, 0];

function confusion(): ConfusionMatrix {
  const matrix = new ConfusionMatrix(5);
  matrix.update(TRUE, PREDICTED);
  return matrix;
}

describe('precisionRecallF1', () => {
  it('matches the hand computation per class, with 0 for undefined scores by default', () => {
    const report = precisionRecallF1(confusion());
    expect(report.perClass.map((c) => [c.truePositives, c.support, c.predicted])).toEqual([
      [2, 3, 3],
      [1, 2, 2],
      [0, 0, 1],
      [0, 0, 0],
      [0, 1, 0],
    ]);
    const expected = [
      [2 / 3, 2 / 3, 2 / 3],
      [1 / 2, 1 / 2, 1 / 2],
      [0, 0, 0], // precision 0/1; recall 0/0 -> 0; F1 0/(0 + 1) = 0, defined
      [0, 0, 0], // everything 0/0 -> 0
      [0, 0, 0], // precision 0/0 -> 0; recall 0/1; F1 0/(0 + 1)
    ];
    report.perClass.forEach((c, i) => {
      expect(c.precision).toBeCloseTo(expected[i][0], 6);
      expect(c.recall).toBeCloseTo(expected[i][1], 6);
      expect(c.f1).toBeCloseTo(expected[i][2], 6);
    });
    expect(report.illDefined).toEqual({ precision: [3, 4], recall: [2, 3], f1: [3] });
    expect(report.zeroDivision).toBe(0);
  });

  it('averages: macro over all classes, weighted by support, micro = accuracy', () => {
    const report = precisionRecallF1(confusion());
    for (const value of Object.values(report.macro)) expect(value).toBeCloseTo(7 / 30, 6);
    for (const value of Object.values(report.weighted)) expect(value).toBeCloseTo(1 / 2, 6);
    expect(report.micro).toEqual({ precision: 3 / 6, recall: 3 / 6, f1: 3 / 6 });
    expect(confusion().accuracy()).toBe(3 / 6);
  });

  it('uses 1 for undefined scores when asked', () => {
    const report = precisionRecallF1(confusion(), { zeroDivision: 1 });
    expect(report.perClass[3]).toMatchObject({ precision: 1, recall: 1, f1: 1 });
    expect(report.perClass[2]).toMatchObject({ precision: 0, recall: 1, f1: 0 });
    expect(report.macro.precision).toBeCloseTo(19 / 30, 6);
    expect(report.macro.recall).toBeCloseTo(19 / 30, 6);
    expect(report.macro.f1).toBeCloseTo(13 / 30, 6);
    expect(report.weighted.precision).toBeCloseTo(4 / 6, 6); // class 4: support 1, precision 1
  });

  it('leaves undefined scores out of the averages when they are NaN', () => {
    const report = precisionRecallF1(confusion(), { zeroDivision: Number.NaN });
    expect(report.perClass[3].f1).toBeNaN();
    expect(report.macro.precision).toBeCloseTo(7 / 18, 6); // classes 0, 1, 2
    expect(report.macro.recall).toBeCloseTo(7 / 18, 6); // classes 0, 1, 4
    expect(report.macro.f1).toBeCloseTo(7 / 24, 6); // classes 0, 1, 2, 4
    expect(report.weighted.precision).toBeCloseTo(3 / 5, 6); // class 4 left out
  });

  it('takes raw counts, and gives the zero-division value when nothing was counted', () => {
    const report = precisionRecallF1(
      [
        [0, 0],
        [0, 0],
      ],
      { zeroDivision: 1 },
    );
    expect(report.macro).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(report.micro).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(report.weighted).toEqual({ precision: 1, recall: 1, f1: 1 });
  });

  it('rejects a bad zero-division value or a non-square matrix', () => {
    expect(() => precisionRecallF1(confusion(), { zeroDivision: 0.5 })).toThrow(
      'zeroDivision must be 0, 1 or NaN, got 0.5.',
    );
    expect(() => precisionRecallF1([[1, 2]])).toThrow(/must be square/);
  });
});
