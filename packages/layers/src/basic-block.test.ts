import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors, expectTensorsClose } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { basicBlock } from './basic-block.js';
import { heNormalInitializers } from './initializers.js';
import type { ShortcutKind } from './shortcut.js';

function blockModel(
  inShape: number[],
  filters: number,
  strides: number,
  kind: ShortcutKind | null,
) {
  const input = tf.input({ shape: inShape });
  const output = basicBlock(input, {
    filters,
    strides,
    shortcut: kind,
    name: 'stage2_block1',
    kernelInitializer: heNormalInitializers(1),
  });
  return tf.model({ inputs: input, outputs: output });
}

function trainableCount(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((n, w) => n + tf.util.sizeFromShape(w.shape as number[]), 0);
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('basicBlock', () => {
  it('keeps the shape with an identity shortcut and adds no parameters for it', () => {
    const model = blockModel([8, 8, 16], 16, 1, 'zero-pad');
    expect(model.outputs[0].shape).toEqual([null, 8, 8, 16]);
    // two 3×3×16×16 convs and two BNs (γ, β)
    expect(trainableCount(model)).toBe(2 * (9 * 16 * 16 + 32));
    expect(model.getLayer('stage2_block1_add')).toBeDefined();
  });

  it('projects with a strided 1×1 conv + BN (option B)', () => {
    const model = blockModel([8, 8, 16], 32, 2, 'projection');
    expect(model.outputs[0].shape).toEqual([null, 4, 4, 32]);
    expect(trainableCount(model)).toBe(9 * 16 * 32 + 64 + 9 * 32 * 32 + 64 + 16 * 32 + 64);
    expect(model.getLayer('stage2_block1_shortcut_conv')).toBeDefined();
  });

  it('zero-pads without parameters (option A), on odd sizes too', () => {
    const model = blockModel([7, 7, 16], 32, 2, 'zero-pad');
    expect(model.outputs[0].shape).toEqual([null, 4, 4, 32]);
    expect(trainableCount(model)).toBe(9 * 16 * 32 + 64 + 9 * 32 * 32 + 64);
  });

  it('builds the plain counterpart without an addition', () => {
    const model = blockModel([8, 8, 16], 32, 2, null);
    expect(model.layers.some((layer) => layer.getClassName() === 'Add')).toBe(false);
    expect(model.outputs[0].shape).toEqual([null, 4, 4, 32]);
  });

  it('computes relu(F(x) + x): zeroing the branch leaves relu(x)', () => {
    const model = blockModel([4, 4, 8], 8, 1, 'zero-pad');
    model.getLayer('stage2_block1_2_bn').setWeights(
      model
        .getLayer('stage2_block1_2_bn')
        .getWeights()
        .map((w, i) => (i === 0 ? tf.zerosLike(w) : w)),
    );
    const x = tf.randomNormal([2, 4, 4, 8], 0, 1, 'float32', 3);
    // In inference mode BN uses moving stats (mean 0, var 1) so γ=0 and β=0 silence the branch.
    expectTensorsClose(model.predict(x) as tf.Tensor, tf.relu(x), { atol: 1e-6 });
  });

  it('runs a forward and backward pass without leaking tensors', async () => {
    const model = blockModel([8, 8, 16], 32, 2, 'zero-pad');
    const x = tf.randomNormal([2, 8, 8, 16], 0, 1, 'float32', 1);
    await expectNoLeakedTensors(() => {
      const { grads, value } = tf.variableGrads(
        () => (model.apply(x, { training: true }) as tf.Tensor).square().mean() as tf.Scalar,
      );
      tf.dispose([grads, value]);
    });
  });
});
