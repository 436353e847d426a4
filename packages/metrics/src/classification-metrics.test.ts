import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClassificationMetrics } from './classification-metrics.js';
import { evaluateClassifier, outputKind } from './evaluate-classifier.js';
import { LogLoss } from './log-loss.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

// Three classes; class 2 never occurs. Logits chosen so that softmax is easy by hand.
const LN3 = Math.log(3);
const LABELS = [0, 0, 1, 1];
const LOGITS = [
  [LN3, 0, 0], // softmax [3/5, 1/5, 1/5]: predicts 0, right
  [0, LN3, 0], // predicts 1, wrong
  [0, LN3, 0], // predicts 1, right
  [0, 0, LN3], // predicts 2, wrong (class 2 never occurs)
];

describe('ClassificationMetrics', () => {
  it('reports every metric, matching the hand computation', async () => {
    const metrics = new ClassificationMetrics({ numClasses: 3, topK: [2], bins: 5 });
    const labels = tf.tensor1d(LABELS, 'int32');
    const logits = tf.tensor2d(LOGITS);
    await expectNoLeakedTensors(() => metrics.update(labels, logits));
    tf.dispose([labels, logits]);
    const report = metrics.result();
    expect(report.count).toBe(4);
    expect(report.accuracy).toBe(2 / 4);
    // top-2, ties to the lower index: row 1 ranks class 0 second; row 3 ranks class 1 third,
    // behind class 2 and behind class 0, with which it ties
    expect(report.topK).toEqual([{ k: 2, accuracy: 3 / 4 }]);
    expect(report.confusionMatrix).toEqual([
      [1, 1, 0],
      [0, 1, 1],
      [0, 0, 0],
    ]);
    // -ln(3/5) twice, -ln(1/5) twice
    expect(report.logLoss).toBeCloseTo((2 * Math.log(5 / 3) + 2 * Math.log(5)) / 4, 6);
    // every confidence is 3/5 (bin (0.4, 0.6]), half right: |2 - 4 · 0.6| / 4
    expect(report.expectedCalibrationError).toBeCloseTo(0.1, 6);
    expect(report.perClass[2]).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(report.illDefined).toEqual({ precision: [], recall: [2], f1: [] });
    expect(report.macro.recall).toBeCloseTo((1 / 2 + 1 / 2 + 0) / 3, 6);
    expect(report.micro.f1).toBe(2 / 4);
  });

  it('gives the same result streamed in batches as in one', () => {
    const whole = new ClassificationMetrics({ numClasses: 3, topK: [1, 2] });
    whole.update(LABELS, LOGITS);
    const streamed = new ClassificationMetrics({ numClasses: 3, topK: [1, 2] });
    streamed.update(LABELS.slice(0, 1), LOGITS.slice(0, 1));
    streamed.update(LABELS.slice(1, 3), LOGITS.slice(1, 3));
    streamed.update(LABELS.slice(3), LOGITS.slice(3));
    expect(streamed.result()).toEqual(whole.result());
    expect(whole.result().topK[0].accuracy).toBe(whole.result().accuracy);
    whole.reset();
    expect(whole.result().count).toBe(0);
  });

  it('leaves out top-5 for five classes or fewer, and rejects k above the classes', () => {
    expect(new ClassificationMetrics({ numClasses: 3 }).result().topK).toEqual([]);
    expect(new ClassificationMetrics({ numClasses: 10 }).result().topK.map((t) => t.k)).toEqual([
      5,
    ]);
    expect(() => new ClassificationMetrics({ numClasses: 3, topK: [5] })).toThrow(
      'Top-5 accuracy needs more than 3 classes; choose k ≤ 3.',
    );
  });

  it('rejects scores with the wrong number of classes', () => {
    expect(() => new ClassificationMetrics({ numClasses: 4 }).update(LABELS, LOGITS)).toThrow(
      'Scores have 3 classes, expected 4.',
    );
  });
});

describe('evaluateClassifier', () => {
  function denseModel(activation?: 'softmax'): tf.LayersModel {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [2], units: 3, activation, kernelInitializer: 'ones' }),
      ],
    });
    model.setWeights([
      tf.tensor2d([
        [1, 0, 0],
        [0, 1, 0],
      ]),
      tf.tensor1d([0, 0, 0]),
    ]);
    return model;
  }
  const batch = (rows: number[][], labels: number[]) => ({
    images: tf.tensor2d(rows),
    labels: tf.tensor1d(labels, 'int32'),
  });

  it('evaluates a model over batches, disposing them, with logits', async () => {
    const model = denseModel();
    const report = await expectNoLeakedTensors(() =>
      evaluateClassifier(model, [
        batch([[2, 0]], [0]),
        batch(
          [
            [0, 2],
            [0, 0],
          ],
          [0, 2],
        ),
      ]),
    );
    expect(report.count).toBe(3);
    expect(report.confusionMatrix).toEqual([
      [1, 1, 0],
      [0, 0, 0],
      [1, 0, 0], // logits [0, 0, 0]: a three-way tie predicts class 0
    ]);
    const expected = new LogLoss();
    expected.update(
      [0, 0, 2],
      [
        [2, 0, 0],
        [0, 2, 0],
        [0, 0, 0],
      ],
    );
    expect(report.logLoss).toBeCloseTo(expected.result(), 6);
  });

  it('reads a softmax output as probabilities', () => {
    expect(outputKind(denseModel())).toBe('logits');
    const model = denseModel('softmax');
    expect(outputKind(model)).toBe('probabilities');
    const report = evaluateClassifier(model, [batch([[2, 0]], [0])]);
    expect(report.logLoss).toBeCloseTo(-Math.log(Math.exp(2) / (Math.exp(2) + 2)), 6);
  });
});
