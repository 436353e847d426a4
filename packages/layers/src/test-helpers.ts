// Helpers for this package's tests (not exported): a numerical gradient check and a
// serialization round trip.

import { expectTensorsClose } from '@residual/backend/testing';
import * as tf from '@tensorflow/tfjs';

export interface GradientCheckOptions {
  /** Central-difference step. Default 1e-2 (float32 arithmetic). */
  epsilon?: number;
  /** Elements checked per variable, spread evenly. Default 10. */
  samples?: number;
  rtol?: number;
  atol?: number;
}

/**
 * Compares tfjs's gradients of `loss` with respect to `variables` against central
 * differences (f(v + ε) − f(v − ε)) / 2ε on a spread of elements of each variable.
 * `loss` must be a deterministic function of the variables.
 */
export function expectGradientsMatchNumeric(
  loss: () => tf.Scalar,
  variables: tf.Variable[],
  { epsilon = 1e-2, samples = 10, rtol = 2e-2, atol = 2e-3 }: GradientCheckOptions = {},
): void {
  const { grads, value } = tf.variableGrads(loss, variables);
  value.dispose();
  for (const variable of variables) {
    const analytic = grads[variable.name].dataSync();
    const original = variable.dataSync().slice() as Float32Array;
    const step = Math.max(1, Math.floor(original.length / samples));
    const indices: number[] = [];
    const numeric: number[] = [];
    for (let i = 0; i < original.length && indices.length < samples; i += step) {
      const at = (delta: number) => {
        const values = original.slice();
        values[i] += delta;
        tf.tidy(() => variable.assign(tf.tensor(values, variable.shape)));
        return tf.tidy(() => loss().dataSync()[0]);
      };
      numeric.push((at(epsilon) - at(-epsilon)) / (2 * epsilon));
      indices.push(i);
    }
    tf.tidy(() => variable.assign(tf.tensor(original, variable.shape)));
    expectTensorsClose(
      indices.map((i) => analytic[i]),
      numeric,
      { rtol, atol },
    );
  }
  tf.dispose(Object.values(grads));
}

/** The model rebuilt from `model.toJSON()` by `tf.models.modelFromJSON`, with its weights. */
export async function roundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  const restored = await tf.models.modelFromJSON({
    modelTopology: model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'],
  });
  restored.setWeights(model.getWeights());
  return restored;
}
