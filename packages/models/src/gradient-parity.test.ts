// The verdict of the webgl gradient check, and the round-off sensitivity it rests on, on the
// cpu backend (the browser side: webgl-gradients.test.ts).
import { initBackend } from '@residual/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  gradientScales,
  gradientSensitivity,
  parityCase,
  parityGradients,
  parityVerdict,
} from './gradient-parity.js';

describe('parityVerdict', () => {
  it('matches within the tolerance, whatever the sensitivity', () => {
    expect(parityVerdict(1e-3, null, 1e-3)).toBe('matches');
    expect(parityVerdict(2e-4, 0.5, 1e-3)).toBe('matches');
  });

  it('calls a point ill-conditioned only where cpu itself moves past the tolerance, and as far', () => {
    expect(parityVerdict(7e-2, 7e-2, 1e-3)).toBe('ill-conditioned');
    expect(parityVerdict(0.14, 7e-2, 1e-3)).toBe('ill-conditioned');
    expect(parityVerdict(0.15, 7e-2, 1e-3)).toBe('mismatch');
    // cpu stays within the tolerance: any error beyond it is the kernels'.
    expect(parityVerdict(2e-3, 1e-3, 1e-3)).toBe('mismatch');
    // Token ids cannot move by round-off: nothing explains the error.
    expect(parityVerdict(2e-3, null, 1e-3)).toBe('mismatch');
    expect(parityVerdict(Number.NaN, 0.5, 1e-3)).toBe('mismatch');
  });
});

describe('gradientSensitivity', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('is round-off for a well-conditioned network, large for a deep plain one, null for token ids', () => {
    const sensitivity = (name: string) => {
      const { model, input } = parityCase(name);
      const { names, gradients } = parityGradients(model, input);
      const moved = gradientSensitivity(model, input, gradients, gradientScales(names, gradients));
      model.dispose();
      input.dispose();
      return moved;
    };
    expect(sensitivity('cifar_resnet8')).toBeLessThan(1e-4);
    // 56 layers without shortcuts amplify a 1e-6 change of the input into an O(1) change of
    // some gradients.
    expect(sensitivity('cifar_plain56')).toBeGreaterThan(1e-2);
    expect(sensitivity('gpt_char_micro')).toBeNull();
  });
});
