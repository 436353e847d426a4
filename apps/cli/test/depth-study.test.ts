import { initBackend } from '@residual/backend';
import { compareDepths, type DepthStudy, gradientFlow } from '@residual/metrics';
import { createModel } from '@residual/models';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

// The claim behind residual networks, measured on the registry's own networks. Small 8×8 inputs
// keep it fast; the gradient ratios behave as at 32×32 (see packages/metrics/README.md, where
// they are compared with PyTorch on the same architectures).
describe('the depth study on cifar_resnet and cifar_plain', () => {
  let study: DepthStudy;

  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    study = await compareDepths({
      families: ['cifar_resnet', 'cifar_plain'],
      depths: [20, 56],
      build: (family, depth) =>
        createModel(`${family}${depth}`, { inputShape: [8, 8, 3], numClasses: 10, seed: 1 }),
      // He init, training-mode batch norm, batch 32: the setting of the PyTorch reference.
      batch: (step) => ({
        images: tf.randomNormal([32, 8, 8, 3], 0, 1, 'float32', 100 + step),
        labels: tf.tensor1d(
          Array.from({ length: 32 }, (_, i) => (i * 7 + step) % 10),
          'int32',
        ),
      }),
    });
  });

  const ratio = (family: string, depth: number) =>
    study.runs.find((r) => r.family === family && r.depth === depth)!.initial.firstToLastRatio;

  it('measures the first and last 3×3 convolutions of each network', () => {
    const plain56 = study.runs.find((r) => r.model === 'cifar_plain56')!;
    expect(plain56.initial.firstConv).toBe('stem_conv');
    expect(plain56.initial.lastConv).toBe('stage3_block9_2_conv');
    expect(plain56.initial.layers.filter((l) => l.className === 'Conv2D')).toHaveLength(55);
  });

  it('shows the plain-56 gradient exploding toward the input, ≥ 10× the ResNet-56 ratio', () => {
    expect(ratio('cifar_plain', 56)).toBeGreaterThan(100);
    expect(ratio('cifar_resnet', 56)).toBeLessThan(20);
    expect(ratio('cifar_plain', 56)).toBeGreaterThanOrEqual(10 * ratio('cifar_resnet', 56));
  });

  it('shows the gap between plain and residual widening with depth', () => {
    const gap = (depth: number) => ratio('cifar_plain', depth) / ratio('cifar_resnet', depth);
    expect(gap(56)).toBeGreaterThan(10 * gap(20));
  });

  it('shows zero-γ initialisation switching every residual branch off at the first step', () => {
    const model = createModel('cifar_resnet20', {
      inputShape: [8, 8, 3],
      numClasses: 10,
      seed: 1,
      zeroInitResidual: true,
    });
    const images = tf.randomNormal([32, 8, 8, 3], 0, 1, 'float32', 7);
    const labels = tf.tensor1d(
      Array.from({ length: 32 }, (_, i) => i % 10),
      'int32',
    );
    const flow = gradientFlow(model, { images, labels });
    const silent = flow.summary.zeroGradientLayers;
    // 9 blocks: both 3×3 convolutions and the first batch norm of every branch get exactly zero,
    // because everything behind a zero γ is multiplied by it.
    expect(silent.filter((name) => name.endsWith('_conv'))).toHaveLength(18);
    expect(silent).toHaveLength(27);
    // The stem, the zeroed γ's themselves and the classifier still learn.
    expect(silent).not.toContain('stem_conv');
    const learning = flow.layers.filter((layer) => layer.gradientNorm > 0).map((l) => l.name);
    expect(learning).toContain('stem_conv');
    expect(learning.filter((name) => name.endsWith('_2_bn'))).toHaveLength(9);
    tf.dispose([images, labels]);
    model.dispose();
  });
});
