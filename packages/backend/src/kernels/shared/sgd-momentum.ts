import type { ElementwiseUpdate } from './elementwise-update.js';

/**
 * A kernel of ours: one SGD-with-momentum update of one weight. Inputs weight, velocity,
 * gradient (float32, one shape); attributes {@link SgdMomentumUpdateAttrs}; outputs the new
 * weight and velocity.
 */
export const SGD_MOMENTUM_UPDATE = 'ResidualSgdMomentumUpdate';

/** The step's constants (PyTorch's form: v ← μv + g + λw; w ← w − η·v, or Nesterov's). */
export interface SgdMomentumUpdateAttrs {
  learningRate: number;
  momentum: number;
  /** λ, added as λw to the gradient of decayed weights. */
  weightDecay: number;
  decayed: boolean;
  nesterov: boolean;
}

const f = Math.fround;

/**
 * The update in one pass, each operation rounded to float32 in the order the tfjs composition
 * runs them (`sgdMomentumUpdate`'s fallback), so both give the same bits.
 */
export const sgdMomentumUpdate: ElementwiseUpdate<SgdMomentumUpdateAttrs> = {
  kernelName: SGD_MOMENTUM_UPDATE,
  inputs: ['weight', 'velocity', 'gradient'],
  outputs: 2,
  into([weight, velocity, gradient], attrs, [newWeight, newVelocity]) {
    const learningRate = f(attrs.learningRate);
    const momentum = f(attrs.momentum);
    const weightDecay = f(attrs.weightDecay);
    const { decayed, nesterov } = attrs;
    for (let i = 0; i < weight.length; i++) {
      const g = decayed ? f(gradient[i] + f(weight[i] * weightDecay)) : gradient[i];
      const v = f(f(velocity[i] * momentum) + g);
      const update = nesterov ? f(g + f(v * momentum)) : v;
      newWeight[i] = weight[i] - f(update * learningRate);
      newVelocity[i] = v;
    }
  },
};
