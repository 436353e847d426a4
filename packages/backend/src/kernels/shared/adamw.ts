import type { ElementwiseUpdate } from './elementwise-update.js';

/**
 * A kernel of ours: one AdamW update of one weight. Inputs weight, m, v, gradient (float32, one
 * shape); attributes {@link AdamWUpdateAttrs}; outputs the new weight, m and v.
 */
export const ADAMW_UPDATE = 'ResidualAdamWUpdate';

/** The step's constants, each rounded to float32 as the scalar tensors of the composition are. */
export interface AdamWUpdateAttrs {
  beta1: number;
  beta2: number;
  oneMinusBeta1: number;
  oneMinusBeta2: number;
  /** 1 − η·λ for decayed weights; 1 skips the decay (the composition multiplies by nothing). */
  decay: number;
  decayed: boolean;
  /** η / (1 − β₁ᵗ). */
  stepSize: number;
  /** √(1 − β₂ᵗ). */
  rootCorrection2: number;
  epsilon: number;
}

const f = Math.fround;

/**
 * The update in one pass, each operation rounded to float32 in the order the tfjs composition
 * runs them (`AdamW.apply`'s fallback): the results are bit for bit those of the composition.
 * (Rounding a float64 +, −, ×, ÷ or √ of float32 values to float32 is the float32 operation.)
 */
export const adamwUpdate: ElementwiseUpdate<AdamWUpdateAttrs> = {
  kernelName: ADAMW_UPDATE,
  inputs: ['weight', 'm', 'v', 'gradient'],
  outputs: 3,
  into([weight, m, v, gradient], attrs, [newWeight, newM, newV]) {
    const beta1 = f(attrs.beta1);
    const beta2 = f(attrs.beta2);
    const oneMinusBeta1 = f(attrs.oneMinusBeta1);
    const oneMinusBeta2 = f(attrs.oneMinusBeta2);
    const decay = f(attrs.decay);
    const stepSize = f(attrs.stepSize);
    const rootCorrection2 = f(attrs.rootCorrection2);
    const epsilon = f(attrs.epsilon);
    const decayed = attrs.decayed;
    for (let i = 0; i < weight.length; i++) {
      const g = gradient[i];
      const mi = f(f(m[i] * beta1) + f(g * oneMinusBeta1));
      const vi = f(f(v[i] * beta2) + f(f(g * g) * oneMinusBeta2));
      const w = decayed ? f(weight[i] * decay) : weight[i];
      const denominator = f(f(f(Math.sqrt(vi)) / rootCorrection2) + epsilon);
      newWeight[i] = w - f(f(mi / denominator) * stepSize);
      newM[i] = mi;
      newV[i] = vi;
    }
  },
};
