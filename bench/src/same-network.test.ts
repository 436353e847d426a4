import { describe, expect, it } from 'vitest';
import { checkSameNetwork, OURS, type ParameterCounts, parameterLine } from './same-network.js';

describe('holding PyTorch to the same network', () => {
  it('records an equal count and prints every count', () => {
    const counts: ParameterCounts = { [OURS]: 14_328_644 };
    checkSameNetwork('unet_resnet18', counts, 'PyTorch 2.13', 14_328_644);
    expect(parameterLine('unet_resnet18 64²', counts)).toBe(
      'unet_resnet18 64²: ours 14,328,644, PyTorch 2.13 14,328,644',
    );
  });

  it('stops the comparison when PyTorch built another network', () => {
    const counts: ParameterCounts = { [OURS]: 14_328_644 };
    expect(() => checkSameNetwork('unet_resnet18', counts, 'PyTorch 1.13', 14_331_109)).toThrow(
      'PyTorch 1.13 built unet_resnet18 with 14,331,109 trainable parameters, ours has ' +
        '14,328,644: not the same network, so no comparison.',
    );
    expect(counts).toEqual({ [OURS]: 14_328_644 });
  });
});
