import { createModel } from '@residual/models';
import { planForward, planRecompute, SgdMomentum, segmentationLoss } from '@residual/train';
import * as tf from '@tensorflow/tfjs';
import type { NetworkCase } from './networks.js';
import { sgdStep } from './sgd-step.js';
import type { Stepper } from './timing.js';

/**
 * One step of a segmentation network, synchronously: training as `residual train` trains it
 * (per-pixel softmax cross-entropy over the logits, plus half the auxiliary head's for FCN and
 * DeepLabv3, through `segmentationLoss`; `SgdMomentum` at momentum 0.9; activations recomputed
 * where `--recompute auto` would), or one inference. The masks are random classes, as
 * PyTorch's side draws them (bench/torch/worker.py).
 */
export async function segmentationStepper(c: NetworkCase): Promise<Stepper> {
  const model = createModel(c.model, {
    inputShape: [c.size, c.size, 3],
    numClasses: c.classes,
    seed: 1,
  });
  const images = tf.randomNormal([c.batch, c.size, c.size, 3], 0, 1, 'float32', 4);
  const masks = tf.tidy(() =>
    tf.cast(
      tf.floor(tf.randomUniform([c.batch, c.size, c.size], 0, c.classes, 'float32', 5)),
      'int32',
    ),
  );
  const release = () => {
    tf.dispose([images, masks]);
    model.dispose();
  };
  if (c.mode !== 'train') {
    return {
      step: () => {
        const output = model.predict(images, { batchSize: c.batch });
        const outputs = Array.isArray(output) ? output : [output];
        outputs[0].dataSync();
        tf.dispose(outputs);
      },
      dispose: release,
    };
  }
  const plan = await planRecompute({ model, batchSize: c.batch });
  const forward =
    planForward(plan) ??
    ((x: tf.Tensor) => model.apply(x, { training: true }) as tf.Tensor | tf.Tensor[]);
  const optimizer = new SgdMomentum(model.trainableWeights, { momentum: 0.9 });
  return {
    step: () =>
      sgdStep(optimizer, () => {
        const output = forward(images);
        return segmentationLoss(Array.isArray(output) ? output : [output], masks);
      }),
    dispose: () => {
      optimizer.dispose();
      release();
    },
  };
}
