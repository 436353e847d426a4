import { expectTensorsClose } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { basicBlock } from './basic-block.js';
import { heNormalInitializers } from './initializers.js';
import type { ShortcutKind } from './shortcut.js';

describe('blocks survive model.toJSON() and tf.models.modelFromJSON', () => {
  for (const kind of ['identity', 'projection', 'zero-pad'] as ShortcutKind[]) {
    it(`with a ${kind} shortcut`, async () => {
      const input = tf.input({ shape: [6, 6, 8] });
      const strides = kind === 'identity' ? 1 : 2;
      const filters = kind === 'identity' ? 8 : 16;
      const output = basicBlock(input, {
        filters,
        strides,
        shortcut: kind,
        name: 'stage1_block1',
        kernelInitializer: heNormalInitializers(4),
      });
      const model = tf.model({ inputs: input, outputs: output });
      const json = model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'];
      const restored = await tf.models.modelFromJSON({
        modelTopology: json as tf.io.ModelJSON['modelTopology'],
      });
      restored.setWeights(model.getWeights());
      expect(restored.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
      const x = tf.randomNormal([1, 6, 6, 8], 0, 1, 'float32', 2);
      expectTensorsClose(restored.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor);
    });
  }
});
