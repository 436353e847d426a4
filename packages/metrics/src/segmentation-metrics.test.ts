import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SegmentationMetrics } from './segmentation-metrics.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

// Two batches of one 6×10 mask each (classes 0-3, 255 = ignore), drawn with numpy
// (RandomState(7)); the expected numbers below are what torchvision's segmentation reference
// (references/segmentation/utils.py ConfusionMatrix, torch 1.13) computes from them.
const TRUTH = [
  [
    3, 0, 255, 2, 3, 3, 3, 3, 0, 1, 2, 255, 0, 1, 2, 2, 255, 0, 3, 2, 0, 0, 3, 3, 0, 0, 3, 3, 2, 2,
    3, 0, 255, 3, 1, 0, 0, 3, 255, 0, 255, 1, 0, 2, 0, 1, 2, 2, 255, 2, 1, 255, 3, 3, 0, 3, 255, 1,
    0, 255,
  ],
  [
    2, 3, 1, 0, 0, 255, 3, 3, 2, 1, 3, 0, 1, 3, 3, 0, 3, 0, 1, 0, 3, 1, 255, 3, 3, 255, 255, 3, 255,
    255, 255, 3, 2, 1, 255, 1, 1, 1, 3, 3, 255, 3, 2, 2, 1, 3, 3, 3, 255, 3, 0, 255, 1, 255, 1, 255,
    0, 3, 2, 2,
  ],
];
const PREDICTED = [
  [
    3, 2, 3, 2, 0, 3, 3, 2, 0, 1, 0, 2, 3, 1, 0, 2, 0, 0, 3, 2, 0, 1, 3, 3, 0, 2, 3, 3, 2, 0, 3, 0,
    1, 3, 0, 0, 0, 3, 0, 2, 3, 3, 0, 2, 0, 1, 2, 0, 2, 2, 1, 1, 3, 3, 0, 3, 1, 1, 0, 2,
  ],
  [
    2, 3, 1, 0, 1, 2, 0, 3, 2, 1, 3, 0, 1, 2, 3, 0, 3, 0, 1, 0, 3, 3, 3, 3, 3, 3, 0, 0, 3, 2, 3, 1,
    2, 1, 0, 0, 0, 1, 2, 3, 1, 3, 2, 3, 1, 3, 3, 3, 1, 2, 2, 2, 0, 2, 1, 2, 0, 1, 0, 2,
  ],
];
const REFERENCE_MATRIX = [
  [17, 2, 4, 1],
  [4, 13, 0, 2],
  [5, 0, 12, 1],
  [3, 2, 4, 27],
];

describe('SegmentationMetrics', () => {
  it('computes a hand-checked case: IoU per class, mean IoU and pixel accuracy', () => {
    // truth  0 0 1 1 | 2 255      predicted  0 1 1 1 | 0 2
    const metrics = new SegmentationMetrics({ numClasses: 3 });
    metrics.update([0, 0, 1, 1, 2, 255], [0, 1, 1, 1, 0, 2]);
    expect(metrics.confusionMatrix()).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 0],
    ]);
    // class 0: TP 1, FP 1 (the 2 predicted 0), FN 1 → 1/3; class 1: 2/3; class 2: 0/1.
    expect(metrics.perClassIoU()).toEqual([1 / 3, 2 / 3, 0]);
    expect(metrics.meanIoU()).toBeCloseTo((1 / 3 + 2 / 3 + 0) / 3, 12);
    expect(metrics.pixelAccuracy()).toBe(3 / 5);
    expect(metrics.count).toBe(5);
    expect(metrics.result().ignoredPixels).toBe(1);
  });

  it('matches torchvision’s reference over two batches, ignoring 255', () => {
    const metrics = new SegmentationMetrics({ numClasses: 4 });
    for (let b = 0; b < 2; b++) metrics.update(TRUTH[b], PREDICTED[b]);
    expect(metrics.confusionMatrix()).toEqual(REFERENCE_MATRIX);
    const iou = metrics.perClassIoU();
    expect(iou).toEqual([17 / 36, 13 / 23, 12 / 26, 27 / 40]);
    // torch: iu = [0.47222, 0.56522, 0.46154, 0.67500], iu.mean() = 0.5434945, acc_global = 0.71134
    expect(metrics.meanIoU()).toBeCloseTo(0.5434945, 6);
    expect(metrics.pixelAccuracy()).toBe(69 / 97);
    const report = metrics.result();
    expect(report.ignoredPixels).toBe(23);
    expect(report.pixels).toBe(97);
    expect(report.meanClassAccuracy).toBeCloseTo(0.70230263, 6);
    expect(report.perClass[3]).toMatchObject({ truePixels: 36, predictedPixels: 31, iou: 27 / 40 });
  });

  it('leaves a class neither true nor predicted out of the mean (torchvision would give NaN)', () => {
    const metrics = new SegmentationMetrics({ numClasses: 5 });
    for (let b = 0; b < 2; b++) metrics.update(TRUTH[b], PREDICTED[b]);
    expect(metrics.perClassIoU()[4]).toBeNaN();
    expect(metrics.meanIoU()).toBeCloseTo(0.5434945, 6);
    const json = JSON.parse(JSON.stringify(metrics));
    expect(json.perClass[4].iou).toBeNull();
    expect(json.confusionMatrix[4]).toEqual([0, 0, 0, 0, 0]);
  });

  it('counts a class predicted but never true as IoU 0, pulling the mean down', () => {
    const metrics = new SegmentationMetrics({ numClasses: 3 });
    metrics.update([0, 0, 1, 1], [0, 2, 1, 1]);
    // class 0: 1/2, class 1: 1, class 2: 0/1.
    expect(metrics.perClassIoU()).toEqual([0.5, 1, 0]);
    expect(metrics.meanIoU()).toBeCloseTo(0.5, 12);
  });

  it('streams: batches accumulate to the same numbers as one big batch', () => {
    const whole = new SegmentationMetrics({ numClasses: 4 });
    whole.update([...TRUTH[0], ...TRUTH[1]], [...PREDICTED[0], ...PREDICTED[1]]);
    const streamed = new SegmentationMetrics({ numClasses: 4 });
    for (let b = 0; b < 2; b++) streamed.update(TRUTH[b], PREDICTED[b]);
    expect(streamed.result()).toEqual(whole.result());
    streamed.reset();
    expect(streamed.count).toBe(0);
    expect(streamed.meanIoU()).toBeNaN();
    expect(streamed.pixelAccuracy()).toBeNaN();
  });

  it('takes mask tensors, or per-pixel scores [N, H, W, C] reduced by argmax, without leaks', async () => {
    const truth = tf.tensor3d(TRUTH[0], [1, 6, 10], 'int32');
    const oneHot = tf.oneHot(tf.tensor3d(PREDICTED[0], [1, 6, 10], 'int32'), 4);
    const scores = tf.mul(oneHot, 3);
    const fromScores = new SegmentationMetrics({ numClasses: 4 });
    const fromMasks = new SegmentationMetrics({ numClasses: 4 });
    await expectNoLeakedTensors(() => {
      fromScores.update(truth, scores);
      fromMasks.update(TRUTH[0], PREDICTED[0]);
    });
    expect(fromScores.confusionMatrix()).toEqual(fromMasks.confusionMatrix());
    tf.dispose([truth, oneHot, scores]);
  });

  it('ignores whatever is predicted at ignored pixels', () => {
    const metrics = new SegmentationMetrics({ numClasses: 2 });
    metrics.update([255, 255, 1], [0, 1, 1]);
    expect(metrics.confusionMatrix()).toEqual([
      [0, 0],
      [0, 1],
    ]);
    expect(metrics.pixelAccuracy()).toBe(1);
  });

  it('rejects masks and options it cannot use, naming the value', () => {
    const metrics = new SegmentationMetrics({ numClasses: 3 });
    expect(() => metrics.update([0, 7], [0, 0])).toThrow(
      'True mask value 7 at 1 is neither one of the 3 classes nor 255 (ignored).',
    );
    expect(() => metrics.update([0, 1], [0, 3])).toThrow(
      'Predicted class 3 at 1 is outside the 3 classes.',
    );
    expect(() => metrics.update([0, 1, 2], [0, 1])).toThrow(
      '3 true pixels for 2 predicted pixels.',
    );
    const scores = tf.zeros([1, 2, 2, 5]);
    expect(() => metrics.update([0, 1, 2, 0], scores)).toThrow(
      'Predictions of shape [1,2,2,5] fit neither a mask of the 4 true pixels nor their scores [..., 3].',
    );
    scores.dispose();
    expect(() => new SegmentationMetrics({ numClasses: 0 })).toThrow(
      'numClasses must be a positive integer, got 0.',
    );
    expect(() => new SegmentationMetrics({ numClasses: 3, ignoreIndex: 2 })).toThrow(
      'ignoreIndex must be an integer outside the classes 0-2, got 2.',
    );
    expect(() => new SegmentationMetrics({ numClasses: 2, classNames: ['a'] })).toThrow(
      '1 class names for 2 classes.',
    );
  });

  it('names the classes in its report', () => {
    const metrics = new SegmentationMetrics({ numClasses: 2, classNames: ['background', 'cat'] });
    metrics.update([0, 1], [0, 1]);
    expect(metrics.result().perClass.map((c) => c.name)).toEqual(['background', 'cat']);
    expect(metrics.result().meanIoU).toBe(1);
  });
});
