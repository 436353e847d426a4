import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareDepths, type DepthStudyOptions, type DepthStudyProgress } from './depth-study.js';
import { gradientFlow } from './gradient-flow.js';
import { tinyBatch, tinyNetwork } from './test-networks.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

// "Depth" here counts blocks of the tiny test network.
const build = (family: string, depth: number) =>
  tinyNetwork({ residual: family === 'tiny_resnet', blocks: depth, seed: 7 });
const batch = (step: number) => tinyBatch(12, 100 + step);

describe('compareDepths', () => {
  it('measures every family at every depth, before and after training, leaving no tensors', async () => {
    const events: DepthStudyProgress[] = [];
    const study = await expectNoLeakedTensors(() =>
      compareDepths({
        families: ['tiny_resnet', 'tiny_plain'],
        depths: [1, 3],
        build,
        batch,
        steps: 3,
        learningRate: 0.1,
        onProgress: (event) => events.push(event),
      }),
    );
    expect(study).toMatchObject({ steps: 3, learningRate: 0.1, momentum: 0.9, batchSize: 12 });
    expect(study.runs.map((r) => [r.family, r.depth, r.model])).toEqual([
      ['tiny_resnet', 1, 'tiny_resnet'],
      ['tiny_plain', 1, 'tiny_plain'],
      ['tiny_resnet', 3, 'tiny_resnet'],
      ['tiny_plain', 3, 'tiny_plain'],
    ]);
    for (const run of study.runs) {
      expect(run.losses).toHaveLength(3);
      expect(run.finalLoss).toBeCloseTo((run.losses[0] + run.losses[1] + run.losses[2]) / 3, 9);
      expect(run.diverged).toBe(false);
      expect(run.trained?.firstToLastRatio).toBeGreaterThan(0);
      expect(run.initial.firstConv).toBe('stem_conv');
      expect(run.initial.lastConv).toBe(`block${run.depth}_2_conv`);
    }
    expect(study.runs[3].trainableParams).toBe(
      3 * 3 * 3 * 4 + 2 * 4 + 6 * (3 * 3 * 4 * 4 + 2 * 4) + 4 * 3 + 3,
    );
    expect(events.filter((e) => e.phase === 'training')).toHaveLength(12);
    expect(events[0]).toMatchObject({ run: 1, of: 4, family: 'tiny_resnet', phase: 'initial' });
  });

  it('measures at initialisation exactly what gradientFlow measures on the probe batch', async () => {
    const study = await compareDepths({ families: ['tiny_plain'], depths: [2], build, batch });
    const probe = batch(0);
    const flow = gradientFlow(build('tiny_plain', 2), probe);
    tf.dispose([probe.images, probe.labels]);
    expect(study.runs[0].initial.firstToLastRatio).toBe(flow.summary.firstToLastRatio);
    expect(study.runs[0].initial.layers.map((l) => l.gradientNorm)).toEqual(
      flow.layers.map((l) => l.gradientNorm),
    );
    expect(study.runs[0].trained).toBeNull();
    expect(study.runs[0].finalLoss).toBeNaN();
  });

  it('stops a network whose loss is no longer finite and says so', async () => {
    const poisoned = (step: number) => {
      const b = batch(step);
      return step === 1 ? { ...b, images: tf.mul(b.images, Number.NaN) } : b;
    };
    const study = await compareDepths({
      families: ['tiny_resnet'],
      depths: [1],
      build,
      batch: poisoned,
      steps: 5,
    });
    expect(study.runs[0].diverged).toBe(true);
    expect(study.runs[0].losses).toHaveLength(2);
    expect(study.runs[0].trained).toBeNull();
  });

  it('rejects bad options, naming the value', async () => {
    const base: DepthStudyOptions = { families: ['tiny_resnet'], depths: [1], build, batch };
    await expect(compareDepths({ ...base, depths: [] })).rejects.toThrow(
      'compareDepths needs at least one family and one depth.',
    );
    await expect(compareDepths({ ...base, depths: [2.5] })).rejects.toThrow(
      'Depths must be positive integers, got 2.5.',
    );
    await expect(compareDepths({ ...base, steps: -1 })).rejects.toThrow(
      'steps must be a non-negative integer, got -1.',
    );
    await expect(compareDepths({ ...base, learningRate: 0 })).rejects.toThrow(
      'learningRate must be a positive number, got 0.',
    );
  });
});
