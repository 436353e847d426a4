import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors } from '@residual/backend/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectStandaloneSvg } from './charts/expect-svg.js';
import { initStudyChart } from './charts/init-study-chart.js';
import { type InitScheme, initStudy } from './init-study.js';
import { tinyBatch, tinyNetwork } from './test-networks.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

// "Depth" counts blocks of the tiny test network; zero-γ is the one scheme it can build.
const build = (scheme: InitScheme, depth: number) =>
  tinyNetwork({ residual: true, blocks: depth, seed: 7, zeroGamma: scheme.name === 'zero-gamma' });
const batch = (step: number) => tinyBatch(12, 100 + step);

describe('initStudy', () => {
  it('measures each scheme at each depth, trains the trained depths, leaves no tensors', async () => {
    const study = await expectNoLeakedTensors(() =>
      initStudy({
        schemes: ['he', 'he-warmup', 'zero-gamma'],
        depths: [1, 6],
        trainDepths: [6],
        build,
        batch,
        steps: 4,
        warmupSteps: 2,
        learningRate: 0.1,
      }),
    );
    expect(study).toMatchObject({ steps: 4, learningRate: 0.1, batchSize: 12 });
    expect(study.uniformLoss).toBeCloseTo(Math.log(3), 12);
    expect(study.measurements.map((m) => [m.scheme, m.depth])).toEqual([
      ['he', 1],
      ['he-warmup', 1],
      ['zero-gamma', 1],
      ['he', 6],
      ['he-warmup', 6],
      ['zero-gamma', 6],
    ]);
    const at = (scheme: string, depth: number) =>
      study.measurements.find((m) => m.scheme === scheme && m.depth === depth)!;
    // Zero-γ blocks start as the identity: the stem's output all the way, at any depth.
    expect(at('zero-gamma', 6).streamStd[5]).toBe(at('zero-gamma', 1).streamStd[0]);
    expect(new Set(at('zero-gamma', 6).streamStd).size).toBe(1);
    // Standard initialisation: every block adds its branch's variance to the stream.
    const stream = at('he', 6).streamStd;
    expect(stream).toHaveLength(6);
    expect(stream[5]).toBeGreaterThan(1.5 * stream[0]);
    expect(at('he', 6).convGradientNorms).toHaveLength(1 + 2 * 6);
    // Warm-up changes training, not the network.
    expect(at('he-warmup', 6)).toEqual({ ...at('he', 6), scheme: 'he-warmup' });

    expect(study.training.map((t) => [t.scheme, t.depth, t.warmupSteps])).toEqual([
      ['he', 6, 0],
      ['he-warmup', 6, 2],
      ['zero-gamma', 6, 0],
    ]);
    const [plain, warm] = study.training;
    expect(plain.losses).toHaveLength(4);
    expect(warm.losses[0]).toBe(plain.losses[0]);
    expect(warm.losses[1]).not.toBe(plain.losses[1]);

    const svg = initStudyChart(study);
    expectStandaloneSvg(svg);
    for (const title of [
      'Std of the logits at initialisation',
      'Loss at initialisation',
      'Gradient norm per convolution at initialisation, depth 6',
      'Training loss per step, depth 6',
    ]) {
      expect(svg).toContain(title);
    }
  });

  it('names an unknown scheme and a trained depth that is not measured', async () => {
    await expect(
      initStudy({ schemes: ['xavier'], depths: [1], trainDepths: [], build, batch }),
    ).rejects.toThrow(
      'Unknown initialisation scheme "xavier". Known: he, he-warmup, zero-gamma, fixup, rezero, skipinit.',
    );
    await expect(initStudy({ depths: [1], trainDepths: [2], build, batch })).rejects.toThrow(
      'trainDepths must be among depths (1), got 2.',
    );
  });
});
