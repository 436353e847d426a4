import { conv, GroupNormalization, Interpolate, relu, SeededDropout } from '@residual/layers';
import * as tf from '@tensorflow/tfjs';
import type { HeadSettings } from './segmentation-heads.js';

/** segmentation_models_pytorch's FPN defaults: pyramid and segmentation channels, dropout. */
export const FPN_PYRAMID_CHANNELS = 256;
export const FPN_SEGMENTATION_CHANNELS = 128;
const FPN_GROUPS = 32;
const FPN_DROPOUT = 0.2;

/**
 * The FPN decoder for semantic segmentation (Kirillov et al. 2019, "Panoptic FPN") as
 * segmentation_models_pytorch's `FPNDecoder` builds it: P5 is a 1×1 conv of stage 4; P4, P3,
 * P2 add a nearest ×2 of the coarser level to a 1×1 conv of stages 3, 2, 1 (`fpn_p{k}`); each
 * level then goes through 3×3 conv + GroupNorm(32) + ReLU blocks, each but P2's followed by a
 * bilinear ×2 (aligned corners), until stride 4 (`seg{k}_{i}`); the four are added
 * (`fpn_merge`), dropped per channel (0.2), classified by a 1×1 conv with a bias and brought
 * to the input's size by a bilinear ×4 (aligned corners), `logits`.
 *
 * `stages` are the encoder's four stage outputs, strides 4 to 32.
 */
export function fpnDecoder(
  stages: readonly tf.SymbolicTensor[],
  classes: number,
  settings: HeadSettings,
): tf.SymbolicTensor {
  const { kernelInitializer } = settings;
  const lateral = (x: tf.SymbolicTensor, name: string) =>
    conv(x, {
      filters: FPN_PYRAMID_CHANNELS,
      kernelSize: 1,
      useBias: true,
      name,
      kernelInitializer,
    });
  const pyramid: tf.SymbolicTensor[] = [lateral(stages[3]!, 'fpn_p5')];
  for (let level = 4; level >= 2; level--) {
    const coarser = tf.layers
      .upSampling2d({ size: [2, 2], interpolation: 'nearest', name: `fpn_p${level}_upsample` })
      .apply(pyramid[pyramid.length - 1]!) as tf.SymbolicTensor;
    const skip = lateral(stages[level - 2]!, `fpn_p${level}_skip`);
    pyramid.push(
      tf.layers.add({ name: `fpn_p${level}_add` }).apply([coarser, skip]) as tf.SymbolicTensor,
    );
  }
  const maps = pyramid.map((p, i) => {
    const level = 5 - i;
    const upsamples = level - 2;
    let x = p;
    for (let unit = 1; unit <= Math.max(upsamples, 1); unit++) {
      const name = `seg${level}_${unit}`;
      x = conv(x, {
        filters: FPN_SEGMENTATION_CHANNELS,
        kernelSize: 3,
        name,
        kernelInitializer,
      });
      x = new GroupNormalization({ groups: FPN_GROUPS, name: `${name}_gn` }).apply(
        x,
      ) as tf.SymbolicTensor;
      x = relu(x, `${name}_relu`);
      if (upsamples > 0) {
        x = new Interpolate({
          mode: 'bilinear',
          scale: 2,
          alignCorners: true,
          name: `${name}_upsample`,
        }).apply(x) as tf.SymbolicTensor;
      }
    }
    return x;
  });
  let x = tf.layers.add({ name: 'fpn_merge' }).apply(maps) as tf.SymbolicTensor;
  x = new SeededDropout({
    rate: FPN_DROPOUT,
    perChannel: true,
    seed: settings.seed,
    name: 'fpn_dropout',
  }).apply(x) as tf.SymbolicTensor;
  x = conv(x, {
    filters: classes,
    kernelSize: 1,
    useBias: true,
    name: 'segmentation_head',
    kernelInitializer,
  });
  return new Interpolate({
    mode: 'bilinear',
    scale: 4,
    alignCorners: true,
    name: 'logits',
  }).apply(x) as tf.SymbolicTensor;
}
