import { adamwUpdate } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import type { Optimizer } from './optimizer.js';
import { checkWeightDecay, isDecayed, type WeightDecayTarget } from './weight-decay.js';

export interface AdamWOptions {
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999 (nanoGPT's small models use 0.99). */
  beta2?: number;
  /** Default 1e-8. */
  epsilon?: number;
  /** Decoupled weight decay λ: each step w ← w − η·λ·w before the Adam update. Default 0.01. */
  weightDecay?: number;
  /**
   * 'kernels' (default) decays the weights of rank ≥ 2 — dense kernels and the token and
   * position embeddings — and not biases or LayerNorm γ/β, which is nanoGPT's split
   * (`configure_optimizers`: "all weight tensors in matmuls + embeddings decay"); 'all' decays
   * every trainable weight.
   */
  weightDecayAppliesTo?: WeightDecayTarget;
}

interface Slot {
  name: string;
  variable: tf.Variable;
  /** First moment (running mean of the gradient). */
  m: tf.Variable;
  /** Second moment (running mean of the squared gradient). */
  v: tf.Variable;
  decayed: boolean;
}

/** The name of the step counter among the state tensors (no weight name lacks a slash). */
const STEP_STATE = 'adamw_step';

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter 2019), computed as PyTorch's
 * `torch.optim.AdamW` does, with a learning rate given at every step and a state (both moments
 * and the step count of the bias correction) that saves and restores exactly.
 */
export class AdamW implements Optimizer {
  readonly kind = 'adamw';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  readonly weightDecayAppliesTo: WeightDecayTarget;
  private readonly slots: Slot[];
  /** Updates applied so far: the t of the bias correction 1 − βᵗ. */
  private step = 0;

  constructor(weights: readonly tf.LayerVariable[], options: AdamWOptions = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.01;
    this.weightDecayAppliesTo = options.weightDecayAppliesTo ?? 'kernels';
    for (const [name, value] of [
      ['beta1', this.beta1],
      ['beta2', this.beta2],
    ] as const) {
      if (!(value >= 0 && value < 1))
        throw new RangeError(`${name} must be in [0, 1), got ${value}.`);
    }
    if (!(this.epsilon > 0)) throw new RangeError(`epsilon must be positive, got ${this.epsilon}.`);
    checkWeightDecay(this.weightDecay);
    this.slots = weights.map((weight) => {
      const variable = weight.read() as tf.Variable;
      return {
        name: weight.originalName,
        variable,
        m: tf.tidy(() => tf.variable(tf.zerosLike(variable), false)),
        v: tf.tidy(() => tf.variable(tf.zerosLike(variable), false)),
        decayed: isDecayed(variable, this.weightDecay, this.weightDecayAppliesTo),
      };
    });
  }

  get variables(): tf.Variable[] {
    return this.slots.map((slot) => slot.variable);
  }

  /** Names of the weights weight decay applies to. */
  get decayedWeights(): string[] {
    return this.slots.filter((slot) => slot.decayed).map((slot) => slot.name);
  }

  apply(gradients: readonly tf.Tensor[], learningRate: number): void {
    this.step++;
    // The bias corrections in float64, then one float32 scalar each: as PyTorch computes them.
    const correction1 = 1 - this.beta1 ** this.step;
    const correction2 = 1 - this.beta2 ** this.step;
    for (const [i, slot] of this.slots.entries()) {
      const { weight, m, v } = adamwUpdate(slot.variable, slot.m, slot.v, gradients[i], {
        beta1: this.beta1,
        beta2: this.beta2,
        oneMinusBeta1: 1 - this.beta1,
        oneMinusBeta2: 1 - this.beta2,
        decay: 1 - learningRate * this.weightDecay,
        decayed: slot.decayed,
        stepSize: learningRate / correction1,
        rootCorrection2: Math.sqrt(correction2),
        epsilon: this.epsilon,
      });
      slot.m.assign(m);
      slot.v.assign(v);
      slot.variable.assign(weight);
      tf.dispose([weight, m, v]);
    }
  }

  stateTensors(): tf.NamedTensorMap {
    return {
      [STEP_STATE]: tf.scalar(this.step, 'int32'),
      ...Object.fromEntries(
        this.slots.flatMap((slot) => [
          [`${slot.name}/m`, tf.clone(slot.m)],
          [`${slot.name}/v`, tf.clone(slot.v)],
        ]),
      ),
    };
  }

  restore(state: tf.NamedTensorMap): void {
    const step = state[STEP_STATE];
    if (step === undefined || step.size !== 1) throw new RangeError('no AdamW step count saved.');
    for (const slot of this.slots) {
      for (const moment of ['m', 'v'] as const) {
        const saved = state[`${slot.name}/${moment}`];
        if (saved === undefined) throw new RangeError(`no AdamW ${moment} saved for ${slot.name}.`);
        if (!tf.util.arraysEqual(saved.shape, slot[moment].shape)) {
          throw new RangeError(
            `the AdamW ${moment} of ${slot.name} has shape [${saved.shape}], the weight [${slot[moment].shape}].`,
          );
        }
      }
    }
    this.step = step.dataSync()[0];
    for (const slot of this.slots) {
      slot.m.assign(state[`${slot.name}/m`]);
      slot.v.assign(state[`${slot.name}/v`]);
    }
  }

  dispose(): void {
    for (const slot of this.slots) {
      slot.m.dispose();
      slot.v.dispose();
    }
  }
}
