import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors } from '@residual/backend/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEGMENTATION_DEMO_DEFAULTS } from '../src/segmentation-demo-defaults.js';
import { blankPicture, drawShape, shapeFromDrag } from '../src/shape-drawing.js';
import {
  heldOutExample,
  predictMask,
  type ShapesSegmenter,
  trainShapesSegmenter,
} from '../src/shapes-segmenter.js';

describe('the segmentation demo, on a run of two steps', () => {
  let segmenter: ShapesSegmenter;
  const steps: number[] = [];
  let evaluations = 0;

  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    segmenter = await trainShapesSegmenter({
      ...SEGMENTATION_DEMO_DEFAULTS,
      trainImages: 4,
      testImages: 3,
      epochs: 1,
      batchSize: 2,
      onStep: ({ step, steps: total }) => {
        expect(total).toBe(2);
        steps.push(step);
      },
      onEvaluation: () => evaluations++,
    });
  }, 120_000);
  afterAll(() => segmenter?.model.dispose());

  it('reports every step and the held-out IoU after the epoch', () => {
    expect(steps).toEqual([1, 2]);
    expect(segmenter.losses).toHaveLength(2);
    for (const loss of segmenter.losses) expect(Number.isFinite(loss)).toBe(true);
    expect(evaluations).toBe(1);
    const [evaluation] = segmenter.evaluations;
    expect(evaluation.step).toBe(2);
    expect(evaluation.meanIoU).toBeGreaterThanOrEqual(0);
    expect(evaluation.meanIoU).toBeLessThanOrEqual(1);
    expect(evaluation.perClassIoU).toHaveLength(4);
    expect(segmenter.parameters).toBe(segmenter.model.countParams());
    expect(segmenter.aborted).toBe(false);
  });

  it('labels every pixel of a drawing with one of the four classes, leaving no tensors', async () => {
    const size = SEGMENTATION_DEMO_DEFAULTS.size;
    const picture = blankPicture(size, [200, 200, 200]);
    drawShape(picture, shapeFromDrag('square', [16, 16], [24, 16]), [220, 40, 40]);
    const mask = await expectNoLeakedTensors(() =>
      predictMask(segmenter.model, picture, segmenter.data.normalization),
    );
    expect(mask).toHaveLength(size * size);
    for (const value of mask) expect([0, 1, 2, 3]).toContain(value);
  });

  it('gives the same mask for the same picture, the first held-out image with its true mask', () => {
    const { picture, mask } = heldOutExample(segmenter.data, 0);
    expect(picture.pixels).toEqual(segmenter.data.test.images.subarray(0, 32 * 32 * 3));
    expect(mask).toEqual(segmenter.data.test.masks.subarray(0, 32 * 32));
    const { normalization } = segmenter.data;
    expect(predictMask(segmenter.model, picture, normalization)).toEqual(
      predictMask(segmenter.model, picture, normalization),
    );
    expect(() => heldOutExample(segmenter.data, 3)).toThrow(
      'No held-out image 3: there are 3 (0 to 2).',
    );
  });

  it('stops after the current step when the signal aborts, and keeps the model usable', async () => {
    const controller = new AbortController();
    const stopped = await trainShapesSegmenter({
      ...SEGMENTATION_DEMO_DEFAULTS,
      trainImages: 8,
      testImages: 1,
      batchSize: 2,
      signal: controller.signal,
      onStep: () => controller.abort(),
    });
    try {
      expect(stopped.aborted).toBe(true);
      expect(stopped.losses).toHaveLength(1);
      const mask = predictMask(stopped.model, heldOutExample(stopped.data, 0).picture, undefined);
      expect(mask).toHaveLength(32 * 32);
    } finally {
      stopped.model.dispose();
    }
  }, 120_000);
});
