import { initBackend } from '@residual/backend';
import { expectNoLeakedTensors } from '@residual/backend/testing';
import { createModel } from '@residual/models';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { importWeights } from './import-weights.js';
import { InteropError } from './interop-error.js';
import { toStateDict } from './to-state-dict.js';

beforeAll(async () => {
  await initBackend();
});

const small = { inputShape: [32, 32, 3] as const };

describe('toStateDict', () => {
  it("names and shapes resnet18's tensors as torchvision does", () => {
    const stateDict = toStateDict(createModel('resnet18', small));
    expect(stateDict.size).toBe(122);
    expect(stateDict.get('conv1.weight')!.shape).toEqual([64, 3, 7, 7]);
    expect(stateDict.get('layer2.0.downsample.0.weight')!.shape).toEqual([128, 64, 1, 1]);
    expect(stateDict.get('layer4.1.bn2.running_var')!.shape).toEqual([512]);
    expect(stateDict.get('layer4.1.bn2.num_batches_tracked')).toMatchObject({
      shape: [],
      dtype: 'int64',
    });
    expect(stateDict.get('fc.weight')!.shape).toEqual([1000, 512]);
  });

  it("names timm's deep stem, avg-down shortcuts and squeeze-excitation", () => {
    const d = toStateDict(createModel('resnet50d', small));
    expect(d.get('conv1.0.weight')!.shape).toEqual([32, 3, 3, 3]);
    expect(d.get('conv1.4.running_mean')!.shape).toEqual([32]);
    expect(d.get('conv1.6.weight')!.shape).toEqual([64, 32, 3, 3]);
    expect(d.get('bn1.weight')!.shape).toEqual([64]);
    expect(d.get('layer1.0.downsample.1.weight')!.shape).toEqual([256, 64, 1, 1]);
    expect(d.get('layer2.0.downsample.2.running_var')!.shape).toEqual([512]);
    const se = toStateDict(createModel('seresnet50', small));
    expect(se.get('layer1.0.se.fc1.weight')!.shape).toEqual([16, 256, 1, 1]);
    expect(se.get('layer1.0.se.fc2.bias')!.shape).toEqual([256]);
    expect(se.get('layer1.0.downsample.0.weight')!.shape).toEqual([256, 64, 1, 1]);
  });

  it('stores grouped convolutions as PyTorch does ([out, in / groups, h, w])', () => {
    const d = toStateDict(createModel('resnext50_32x4d', small));
    expect(d.get('layer1.0.conv2.weight')!.shape).toEqual([128, 4, 3, 3]);
  });
});

describe('importWeights', () => {
  it('round-trips: import(toStateDict(a)) into b gives b the weights and outputs of a', () => {
    const a = createModel('resnet18', small);
    const b = createModel('resnet18', small);
    const report = importWeights(b, toStateDict(a), { fileName: 'a' });
    expect(report).toMatchObject({ missing: [], unexpected: [], mismatched: [] });
    expect(report.loaded.length).toBe(102);
    const x = tf.randomNormal([1, 32, 32, 3], 0, 1, 'float32', 1);
    const difference = tf.max(tf.abs(tf.sub(a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor)));
    expect(difference.dataSync()[0]).toBe(0);
    expectNoLeakedTensors(() => importWeights(b, toStateDict(a), { fileName: 'a' }));
  });

  it('lists missing and unexpected keys for another architecture, and leaves the model as it was', () => {
    const target = createModel('resnet34', small);
    const before = target.getWeights()[0]!.dataSync().slice();
    expect(() =>
      importWeights(target, toStateDict(createModel('resnet18', small)), { fileName: 'r18.pth' }),
    ).toThrow(
      /^r18\.pth: does not fit resnet34: missing layer1\.2\.conv1\.weight, .* \(strict: false loads the matching tensors\)$/,
    );
    expect(Array.from(target.getWeights()[0]!.dataSync())).toEqual(Array.from(before));
  });

  it('reports a replaced classifier as wrongly shaped; strict: false loads the backbone', () => {
    const stateDict = toStateDict(createModel('resnet18', small));
    const finetuned = createModel('resnet18', { ...small, numClasses: 10 });
    expect(() => importWeights(finetuned, stateDict, { fileName: 'imagenet.pth' })).toThrow(
      'imagenet.pth: does not fit resnet18: wrongly shaped fc.weight (model [10, 512], file [1000, 512]), fc.bias (model [10], file [1000])',
    );
    const report = importWeights(finetuned, stateDict, { fileName: 'imagenet.pth', strict: false });
    expect(report.mismatched.map((m) => m.key)).toEqual(['fc.weight', 'fc.bias']);
    expect(report.loaded.length).toBe(100);
  });

  it('refuses models without a PyTorch counterpart, naming those that have one', () => {
    expect(() =>
      importWeights(createModel('cifar_resnet20'), new Map(), { fileName: 'w.pth' }),
    ).toThrow(InteropError);
    expect(() => toStateDict(createModel('cifar_resnet20'))).toThrow(
      /^cifar_resnet20: model "cifar_resnet20" has no torchvision or timm counterpart; PyTorch weights fit resnet18, /,
    );
  });
});
