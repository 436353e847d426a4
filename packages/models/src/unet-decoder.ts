import { convBn, relu } from '@residual/layers';
import * as tf from '@tensorflow/tfjs';
import type { HeadSettings } from './segmentation-heads.js';

/** Channels of the five decoder blocks, from the coarsest (segmentation_models_pytorch's). */
export const UNET_DECODER_CHANNELS = [256, 128, 64, 32, 16] as const;

/**
 * The U-Net decoder (Ronneberger et al. 2015) as segmentation_models_pytorch's `UnetDecoder`
 * builds it on a ResNet encoder: starting from the last stage (stride 32), each block doubles
 * the resolution (nearest), concatenates the encoder's map of that resolution (stages 3, 2, 1,
 * then the stem's ReLU at stride 2; none for the last block, at full resolution), and applies
 * two 3×3 conv + BN + ReLU. Blocks are `decoder{1..5}`; the segmentation head is a 3×3
 * convolution with a bias, `logits`, at the input's resolution.
 *
 * `skips` are the encoder's maps from the finest (the stem, stride 2) to the last stage.
 */
export function unetDecoder(
  skips: readonly tf.SymbolicTensor[],
  classes: number,
  settings: HeadSettings,
): tf.SymbolicTensor {
  const [head, ...finerFirst] = [...skips].reverse();
  let x = head as tf.SymbolicTensor;
  UNET_DECODER_CHANNELS.forEach((filters, i) => {
    const name = `decoder${i + 1}`;
    x = tf.layers
      .upSampling2d({ size: [2, 2], interpolation: 'nearest', name: `${name}_upsample` })
      .apply(x) as tf.SymbolicTensor;
    const skip = finerFirst[i];
    if (skip !== undefined) {
      x = tf.layers
        .concatenate({ axis: -1, name: `${name}_concat` })
        .apply([x, skip]) as tf.SymbolicTensor;
    }
    for (const unit of [1, 2]) {
      x = convBn(x, {
        filters,
        kernelSize: 3,
        name: `${name}_${unit}`,
        kernelInitializer: settings.kernelInitializer,
      });
      x = relu(x, `${name}_${unit}_relu`);
    }
  });
  return tf.layers
    .conv2d({
      filters: classes,
      kernelSize: 3,
      padding: 'same',
      kernelInitializer: settings.kernelInitializer('logits'),
      name: 'logits',
    })
    .apply(x) as tf.SymbolicTensor;
}
