import { describe, expect, it } from 'vitest';
import {
  constantSchedule,
  constantWarmup,
  cosineSchedule,
  linearWarmup,
  multiStep,
  oneCycle,
  stepDecay,
} from './schedules.js';

const at = (schedule: (step: number) => number, steps: number[]) => steps.map(schedule);

describe('learning-rate schedules, at their break points', () => {
  it('constant', () => {
    expect(at(constantSchedule(0.05), [0, 1, 1e6])).toEqual([0.05, 0.05, 0.05]);
  });

  it('step decay divides at every multiple of stepSize, printing round numbers', () => {
    const schedule = stepDecay({ learningRate: 0.1, stepSize: 10 });
    expect(at(schedule, [0, 9, 10, 19, 20, 30])).toEqual([0.1, 0.1, 0.01, 0.01, 0.001, 0.0001]);
    expect(at(stepDecay({ learningRate: 1, stepSize: 2, gamma: 0.3 }), [1, 2, 4])).toEqual([
      1,
      0.3,
      0.3 ** 2,
    ]);
  });

  it('multi-step: the milestone step already runs at the lower rate', () => {
    const schedule = multiStep({ learningRate: 0.1, milestones: [32000, 48000] });
    expect(at(schedule, [0, 31999, 32000, 47999, 48000, 63999])).toEqual([
      0.1, 0.1, 0.01, 0.01, 0.001, 0.001,
    ]);
    expect(() => multiStep({ learningRate: 0.1, milestones: [5, 5] })).toThrow(
      'milestones must increase, got [5,5].',
    );
  });

  it('cosine: flat before start, half-way at the middle, final from end on', () => {
    const schedule = cosineSchedule({ learningRate: 0.1, start: 10, end: 110, final: 0 });
    expect(schedule(0)).toBe(0.1);
    expect(schedule(10)).toBe(0.1);
    expect(schedule(60)).toBeCloseTo(0.05, 15);
    expect(schedule(35)).toBeCloseTo(0.05 * (1 + Math.SQRT1_2), 15);
    expect(schedule(109)).toBeGreaterThan(0);
    expect(schedule(110)).toBe(0);
    expect(schedule(500)).toBe(0);
  });

  it('linear warm-up ramps to where the schedule continues, without a jump', () => {
    const cosine = cosineSchedule({ learningRate: 0.1, start: 4, end: 14 });
    const schedule = linearWarmup(cosine, { steps: 4 });
    expect(at(schedule, [0, 1, 2, 3])).toEqual([0, 0.025, 0.05, 0.07500000000000001]);
    expect(schedule(4)).toBe(0.1);
    expect(schedule(9)).toBe(cosine(9));
    const fromLow = linearWarmup(constantSchedule(1), { steps: 2, from: 0.5 });
    expect(at(fromLow, [0, 1, 2])).toEqual([0.5, 0.75, 1]);
  });

  it('constant warm-up overlays the first steps (the paper’s 0.01 for 110 layers)', () => {
    const schedule = constantWarmup(multiStep({ learningRate: 0.1, milestones: [1000] }), {
      steps: 400,
      learningRate: 0.01,
    });
    expect(at(schedule, [0, 399, 400, 999, 1000])).toEqual([0.01, 0.01, 0.1, 0.1, 0.01]);
  });

  it('one-cycle: rises to the peak at 30%, falls to max/25/1e4 at the last step', () => {
    const schedule = oneCycle({ maxLearningRate: 1, steps: 101 });
    expect(schedule(0)).toBeCloseTo(1 / 25, 15);
    expect(schedule(15)).toBeCloseTo((1 / 25 + 1) / 2, 15);
    expect(schedule(30)).toBe(1);
    expect(schedule(29)).toBeLessThan(1);
    expect(schedule(31)).toBeLessThan(1);
    expect(schedule(100)).toBeCloseTo(1 / 25 / 1e4, 15);
    expect(schedule(65)).toBeCloseTo((1 + 1 / 25 / 1e4) / 2, 15);
  });

  it('rejects parameters that make no schedule, naming them', () => {
    expect(() => constantSchedule(0)).toThrow('learningRate must be a positive number, got 0.');
    expect(() => stepDecay({ learningRate: 0.1, stepSize: 0 })).toThrow(
      'stepSize must be an integer of at least 1, got 0.',
    );
    expect(() => cosineSchedule({ learningRate: 0.1, start: 5, end: 5 })).toThrow(
      'end must be an integer of at least 6, got 5.',
    );
    expect(() => oneCycle({ maxLearningRate: 1, steps: 10, rise: 1 })).toThrow(
      'rise must be in (0, 1), got 1.',
    );
  });
});
