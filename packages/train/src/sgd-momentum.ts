import { sgdMomentumUpdate } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import type { Optimizer } from './optimizer.js';
import { checkWeightDecay, isDecayed, type WeightDecayTarget } from './weight-decay.js';

export interface SgdMomentumOptions {
  /** Default 0.9. */
  momentum?: number;
  /** Nesterov momentum (Sutskever et al. 2013). Default false. */
  nesterov?: boolean;
  /** L2 penalty coefficient added to the gradient. Default 0. */
  weightDecay?: number;
  /**
   * 'kernels' (default) decays only weights of rank ≥ 2 — convolution and dense kernels — and
   * leaves biases and batch-norm γ/β alone (decaying them only fights the normalisation;
   * Goyal et al. 2017, He et al. 2019 "bag of tricks"); 'all' decays every trainable weight.
   */
  weightDecayAppliesTo?: WeightDecayTarget;
}

/** One trainable weight with its momentum slot. */
interface Slot {
  /** The weight's name in saved models, e.g. `stage1_block1_conv1/kernel`. */
  name: string;
  variable: tf.Variable;
  momentum: tf.Variable;
  decayed: boolean;
}

/**
 * SGD with momentum in PyTorch's form (v ← μv + g + λw; w ← w − η·v), with a learning rate given
 * at every step and a state (the momentum slots) that can be saved and restored exactly. tfjs's
 * own MomentumOptimizer fixes its rate at construction and leaks it on dispose.
 */
export class SgdMomentum implements Optimizer {
  readonly kind = 'sgd-momentum';
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  readonly weightDecayAppliesTo: WeightDecayTarget;
  private readonly slots: Slot[];

  constructor(weights: readonly tf.LayerVariable[], options: SgdMomentumOptions = {}) {
    this.momentum = options.momentum ?? 0.9;
    this.nesterov = options.nesterov ?? false;
    this.weightDecay = options.weightDecay ?? 0;
    this.weightDecayAppliesTo = options.weightDecayAppliesTo ?? 'kernels';
    if (!(this.momentum >= 0 && this.momentum < 1)) {
      throw new RangeError(`momentum must be in [0, 1), got ${this.momentum}.`);
    }
    checkWeightDecay(this.weightDecay);
    this.slots = weights.map((weight) => {
      const variable = weight.read() as tf.Variable;
      return {
        name: weight.originalName,
        variable,
        momentum: tf.tidy(() => tf.variable(tf.zerosLike(variable), false)),
        decayed: isDecayed(variable, this.weightDecay, this.weightDecayAppliesTo),
      };
    });
  }

  /** The variables this optimizer updates, in order. */
  get variables(): tf.Variable[] {
    return this.slots.map((slot) => slot.variable);
  }

  /** Names of the weights weight decay applies to. */
  get decayedWeights(): string[] {
    return this.slots.filter((slot) => slot.decayed).map((slot) => slot.name);
  }

  /** Applies one update; `gradients[i]` belongs to `variables[i]`. */
  apply(gradients: readonly tf.Tensor[], learningRate: number): void {
    this.slots.forEach((slot, i) => {
      const next = sgdMomentumUpdate(slot.variable, slot.momentum, gradients[i], {
        learningRate,
        momentum: this.momentum,
        weightDecay: this.weightDecay,
        decayed: slot.decayed,
        nesterov: this.nesterov,
      });
      slot.momentum.assign(next.velocity);
      slot.variable.assign(next.weight);
      tf.dispose([next.velocity, next.weight]);
    });
  }

  /** The momentum slots as named tensors (copies: the caller disposes them). */
  stateTensors(): tf.NamedTensorMap {
    return Object.fromEntries(
      this.slots.map((slot) => [`${slot.name}/momentum`, tf.clone(slot.momentum)]),
    );
  }

  /**
   * Restores the slots from {@link stateTensors}' output, by name.
   * @throws RangeError naming a slot that is missing or has another shape.
   */
  restore(state: tf.NamedTensorMap): void {
    for (const slot of this.slots) {
      const saved = state[`${slot.name}/momentum`];
      if (saved === undefined) throw new RangeError(`no momentum saved for ${slot.name}.`);
      if (!tf.util.arraysEqual(saved.shape, slot.momentum.shape)) {
        throw new RangeError(
          `the momentum of ${slot.name} has shape [${saved.shape}], the weight [${slot.momentum.shape}].`,
        );
      }
    }
    for (const slot of this.slots) slot.momentum.assign(state[`${slot.name}/momentum`]);
  }

  dispose(): void {
    for (const slot of this.slots) slot.momentum.dispose();
  }
}
