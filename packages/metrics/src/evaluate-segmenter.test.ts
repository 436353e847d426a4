import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateSegmenter } from './evaluate-segmenter.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** A 1×1 convolution that copies its two input channels to two class scores. */
function identityModel(stride = 1): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [4, 4, 2],
        filters: 2,
        kernelSize: 1,
        strides: stride,
        useBias: false,
      }),
    ],
  });
  model.setWeights([tf.tensor4d([1, 0, 0, 1], [1, 1, 2, 2])]);
  return model;
}

/** A 4×4 image whose channel 1 is larger (class 1) on the left half, channel 0 elsewhere. */
function batch(mask: number[]) {
  const pixels = Array.from({ length: 16 }, (_, p) => (p % 4 < 2 ? [0, 1] : [1, 0])).flat();
  return {
    images: tf.tensor4d(pixels, [1, 4, 4, 2]),
    masks: tf.tensor3d(mask, [1, 4, 4], 'int32'),
  };
}

describe('evaluateSegmenter', () => {
  it('scores a model’s argmax against the masks, ignoring 255, without leaks', async () => {
    const model = identityModel();
    // Truth: left half 1, right half 0, except one wrong pixel and one ignored.
    const truth: number[] = Array.from({ length: 16 }, (_, p) => (p % 4 < 2 ? 1 : 0));
    truth[3] = 1;
    truth[15] = 255;
    let report: ReturnType<typeof evaluateSegmenter> | undefined;
    await expectNoLeakedTensors(() => {
      report = evaluateSegmenter(model, [batch(truth)]);
    });
    expect(report?.pixels).toBe(15);
    expect(report?.pixelAccuracy).toBe(14 / 15);
    // class 0: TP 6, FN 0, FP 1 → 6/7; class 1: TP 8, FN 1 → 8/9.
    expect(report?.perClass.map((c) => c.iou)).toEqual([6 / 7, 8 / 9]);
    model.dispose();
  });

  it('resizes an output smaller than the masks to their size', () => {
    const model = identityModel(2); // 4×4 in, 2×2 out
    const truth = Array.from({ length: 16 }, (_, p) => (p % 4 < 2 ? 1 : 0));
    const report = evaluateSegmenter(model, [batch(truth)]);
    expect(report.pixels).toBe(16);
    expect(report.pixelAccuracy).toBe(1);
    model.dispose();
  });
});
