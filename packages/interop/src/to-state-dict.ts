import * as tf from '@tensorflow/tfjs';
import type { StateDict } from './source-tensor.js';
import { mapWeights } from './weight-mapping.js';

/**
 * The weights of `model` as the torchvision or timm state dict of the same architecture:
 * PyTorch's names and layouts, float32, and an int64 `num_batches_tracked` (0) for every
 * batch norm, as `load_state_dict(strict=True)` expects.
 */
export function toStateDict(model: tf.LayersModel): StateDict {
  const weights = mapWeights(model, model.name);
  const stateDict: StateDict = new Map();
  for (const weight of weights) {
    const data = tf.tidy(() => {
      const value = weight.variable.read();
      return weight.toTorch === undefined ? value.clone() : tf.transpose(value, weight.toTorch);
    });
    stateDict.set(weight.key, {
      shape: weight.torchShape,
      dtype: 'float32',
      data: data.dataSync() as Float32Array,
    });
    data.dispose();
    // The buffer follows running_var, PyTorch's last batch-norm entry.
    if (weight.key.endsWith('.running_var')) {
      stateDict.set(weight.key.replace(/running_var$/, 'num_batches_tracked'), {
        shape: [],
        dtype: 'int64',
        data: new BigInt64Array(1),
      });
    }
  }
  return stateDict;
}
