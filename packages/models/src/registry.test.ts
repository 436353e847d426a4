import { describe, expect, it } from 'vitest';
import './index.js';
import { createModel, listModels, registerModel } from './registry.js';

describe('the registry', () => {
  it('holds every family by the names users know', () => {
    const names = listModels().map((entry) => entry.name);
    const expected = [
      ...[8, 20, 32, 44, 56, 110, 1202].map((d) => `cifar_resnet${d}`),
      ...[8, 20, 32, 44, 56, 110].map((d) => `cifar_plain${d}`),
      'cifar_preact_resnet110',
      'cifar_preact_resnet164',
      'cifar_preact_resnet1001',
      'wrn16_4',
      'wrn16_8',
      'wrn28_10',
      'wrn40_4',
      'resnet18',
      'resnet34',
      'resnet50',
      'resnet101',
      'resnet152',
      'resnext50_32x4d',
      'resnext101_32x8d',
      'resnext101_64x4d',
      'wide_resnet50_2',
      'wide_resnet101_2',
      'resnet50d',
      'seresnet50',
      'plain18',
      'plain34',
      'resnet50v2',
      'resnet101v2',
      'resnet152v2',
      ...['fcn', 'deeplabv3'].flatMap((head) => [`${head}_resnet50`, `${head}_resnet101`]),
      ...['unet', 'fpn'].flatMap((head) => [18, 34, 50].map((d) => `${head}_resnet${d}`)),
      'gpt_char_micro',
      'gpt_char_small',
    ];
    expect(names).toEqual(expected);
  });

  it('rejects an unknown name with the known ones', () => {
    expect(() => createModel('resnet51')).toThrow(
      /^Unknown model "resnet51"\. Known: cifar_resnet8, cifar_resnet20, .*, gpt_char_small\.$/,
    );
  });

  it('rejects unknown options and bad values, naming them', () => {
    expect(() => createModel('cifar_resnet20', { shortcut: 'C' } as never)).toThrow(
      "cifar_resnet20: shortcut must be one of 'A', 'B', 'D', got 'C'.",
    );
    expect(() => createModel('cifar_plain20', { shortcut: 'A' } as never)).toThrow(
      'cifar_plain20: unknown option "shortcut". Accepted: inputShape, numClasses, seed, includeTop, pooling, features.',
    );
    expect(() => createModel('resnet18', { norm: 'group' } as never)).toThrow(
      "resnet18: norm must be one of 'batch', 'none', got 'group'.",
    );
    expect(() => createModel('resnet18', { dropPathRate: 1 } as never)).toThrow(
      'resnet18: dropPathRate must be in [0, 1), got 1.',
    );
    expect(() => createModel('resnet18', { features: true, numClasses: 5 } as never)).toThrow(
      "resnet18: features: true outputs every stage's feature map; numClasses does not apply.",
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

  it('records where each entry comes from and what it is held to', () => {
    for (const entry of listModels()) {
      expect(entry.reference.url).toMatch(/^https:\/\//);
      expect(entry.totalParams).toBeGreaterThanOrEqual(entry.trainableParams);
      expect(entry.macs).toBeGreaterThan(0);
    }
  });
});
