import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors, expectTensorsClose } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CifarResNetOptions } from './cifar-resnet.js';
import { countParameters } from './count-parameters.js';
import './cifar-models.js';
import { createModel, listModels, registerModel } from './registry.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('the registry', () => {
  it('holds the ResNet paper CIFAR family and its plain counterparts', () => {
    const names = listModels().map((entry) => entry.name);
    for (const depth of [20, 32, 44, 56, 110]) {
      expect(names).toContain(`cifar_resnet${depth}`);
      expect(names).toContain(`cifar_plain${depth}`);
    }
  });

  it('rejects an unknown name with the known ones', () => {
    expect(() => createModel('resnet51')).toThrow(
      /^Unknown model "resnet51"\. Known: cifar_resnet8, cifar_resnet20, /,
    );
  });

  it('rejects unknown options and bad values, naming them', () => {
    expect(() => createModel('cifar_resnet20', { shortcut: 'C' } as never)).toThrow(
      "cifar_resnet20: shortcut must be one of 'A', 'B', got 'C'.",
    );
    expect(() => createModel('cifar_plain20', { shortcut: 'A' } as never)).toThrow(
      'cifar_plain20: unknown option "shortcut". Accepted: inputShape, numClasses, seed.',
    );
    expect(() => createModel('cifar_resnet20', { numClasses: 0 })).toThrow(
      /numClasses must be a positive integer, got 0/,
    );
    expect(() => createModel('cifar_resnet20', { inputShape: [32, 32] as never })).toThrow(
      /inputShape must be/,
    );
  });

  it('refuses a second entry under the same name', () => {
    const entry = listModels()[0];
    expect(() => registerModel(entry)).toThrow(/already registered/);
  });
});

describe('cifar ResNets', () => {
  it('cifar_resnet20 has exactly 269,722 trainable parameters (PyTorch count, option A)', () => {
    expect(countParameters(createModel('cifar_resnet20')).trainable).toBe(269_722);
  });

  it('cifar_resnet110 has 1,727,962, and option B adds the two projections', () => {
    expect(countParameters(createModel('cifar_resnet110')).trainable).toBe(1_727_962);
    const projections = 16 * 32 + 2 * 32 + 32 * 64 + 2 * 64;
    expect(
      countParameters(createModel<CifarResNetOptions>('cifar_resnet20', { shortcut: 'B' }))
        .trainable,
    ).toBe(269_722 + projections);
  });

  it('takes inputShape and numClasses', () => {
    const model = createModel('cifar_resnet20', { inputShape: [28, 28, 1], numClasses: 7 });
    expect(model.inputs[0].shape).toEqual([null, 28, 28, 1]);
    expect(model.outputs[0].shape).toEqual([null, 7]);
  });

  it('names layers by stage and block, the same in every build', () => {
    const names = createModel('cifar_resnet20').layers.map((l) => l.name);
    expect(names).toContain('stage2_block1_1_conv');
    expect(names).toContain('stage3_block3_add');
    expect(createModel('cifar_resnet20').layers.map((l) => l.name)).toEqual(names);
  });

  it('builds the same weights from the same seed', () => {
    const a = createModel('cifar_resnet8', { seed: 3 }).getWeights();
    const b = createModel('cifar_resnet8', { seed: 3 }).getWeights();
    const c = createModel('cifar_resnet8', { seed: 4 }).getWeights();
    a.forEach((w, i) => {
      expectTensorsClose(w, b[i], { rtol: 0, atol: 0 });
    });
    expect(a[0].dataSync()).not.toEqual(c[0].dataSync());
  });
});

// The conformance test: every registered model, the same checks.
describe.each(listModels().map((entry) => [entry.name, entry] as const))('%s', (name, entry) => {
  it('builds with its published parameter count, predicts without leaks and round-trips', async () => {
    const model = createModel(name, { seed: 1 });
    expect(countParameters(model).trainable).toBe(entry.trainableParams);
    const [height, width, channels] = entry.defaultInputShape;
    const x = tf.randomNormal([2, height, width, channels], 0, 1, 'float32', 1);
    const y = await expectNoLeakedTensors(() => model.predict(x) as tf.Tensor);
    expect(y.shape).toEqual([2, entry.defaultNumClasses]);

    const restored = await tf.models.modelFromJSON({
      modelTopology: model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'],
    });
    restored.setWeights(model.getWeights());
    expectTensorsClose(restored.predict(x) as tf.Tensor, y, { rtol: 1e-5, atol: 1e-5 });
    tf.dispose([x, y]);
  });
});
