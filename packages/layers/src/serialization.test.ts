import { expectTensorsClose } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { basicBlock } from './basic-block.js';
import { bottleneckBlock } from './bottleneck-block.js';
import { customLayerClassNames } from './custom-layers.js';
import { heNormalInitializers } from './initializers.js';
import { preActBasicBlock } from './pre-act-basic-block.js';
import { preActBottleneckBlock } from './pre-act-bottleneck-block.js';
import type { ShortcutKind } from './shortcut.js';
import { roundTrip } from './test-helpers.js';

const kernelInitializer = heNormalInitializers(4);
const common = { name: 'stage1_block1', kernelInitializer };

type Build = (x: tf.SymbolicTensor) => tf.SymbolicTensor;
const variants: [string, Build, string[]][] = [
  ...(['identity', 'projection', 'zero-pad', 'avg-down'] as ShortcutKind[]).map(
    (kind): [string, Build, string[]] => [
      `basic block, ${kind} shortcut`,
      (x) =>
        basicBlock(x, {
          ...common,
          filters: kind === 'identity' ? 8 : 16,
          strides: kind === 'identity' ? 1 : 2,
          shortcut: kind,
        }),
      [],
    ],
  ),
  [
    'ResNeXt bottleneck with SE, LayerScale and stochastic depth',
    (x) =>
      bottleneckBlock(x, {
        ...common,
        filters: 4,
        width: 8,
        groups: 4,
        strides: 2,
        shortcut: 'projection',
        squeezeExcitation: true,
        residualScale: 'layerscale',
        dropPathRate: 0.1,
        seed: 1,
      }),
    ['DropPath', 'GroupedConv2D'],
  ],
  [
    'pre-activation basic block with ReZero',
    (x) =>
      preActBasicBlock(x, {
        ...common,
        filters: 16,
        shortcut: 'projection',
        residualScale: 'rezero',
      }),
    ['ScalarMultiply'],
  ],
  [
    'Keras-style pre-activation bottleneck (biases)',
    (x) =>
      preActBottleneckBlock(x, {
        ...common,
        filters: 4,
        strides: 2,
        shortcut: 'projection',
        useBias: true,
      }),
    [],
  ],
  [
    'Fixup basic block',
    (x) =>
      basicBlock(x, {
        ...common,
        filters: 16,
        strides: 2,
        shortcut: 'projection',
        norm: 'none',
        fixupBranches: 3,
      }),
    ['ScalarBias', 'ScalarMultiply'],
  ],
];

describe('blocks survive model.toJSON() and tf.models.modelFromJSON', () => {
  for (const [title, build, custom] of variants) {
    it(title, async () => {
      const input = tf.input({ shape: [6, 6, 8] });
      const model = tf.model({ inputs: input, outputs: build(input) });
      expect(customLayerClassNames(model)).toEqual(custom);
      const restored = await roundTrip(model);
      expect(restored.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
      const x = tf.randomNormal([1, 6, 6, 8], 0, 1, 'float32', 2);
      expectTensorsClose(restored.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor);
      const topology = (m: tf.LayersModel) =>
        JSON.stringify(m.toJSON(null, false), (_, v) => v ?? undefined);
      expect(topology(restored)).toEqual(topology(model));
    });
  }
});
