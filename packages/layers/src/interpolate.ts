import * as tf from '@tensorflow/tfjs';
import { resizeBilinearHalfPixel } from './half-pixel-resize.js';
import type { LayerArgs } from './layer-config.js';
import { LayerError } from './layer-error.js';

export type InterpolationMode = 'bilinear' | 'nearest';
export const INTERPOLATION_MODES: readonly InterpolationMode[] = ['bilinear', 'nearest'];

export interface InterpolateArgs extends LayerArgs {
  /** 'bilinear' or 'nearest'. */
  mode: InterpolationMode;
  /**
   * Multiply height and width by this positive integer. Default: none, and the layer takes
   * two inputs `[x, reference]` and resizes `x` to the reference's height and width.
   */
  scale?: number;
  /**
   * Bilinear only: sample the corners of input and output on each other, as PyTorch's
   * `align_corners=True` (smp's FPN); false samples pixel centres (`align_corners=False`, what
   * torchvision's segmentation models use). Default false.
   */
  alignCorners?: boolean;
}

/**
 * Resizes NHWC images as PyTorch's `F.interpolate` does: bilinear with or without aligned
 * corners, or nearest (source pixel ⌊dst · in/out⌋). The output size is either a fixed
 * multiple of the input's or the size of a second input, so a segmentation model's logits
 * come back to the size of any image it is given. tfjs's `UpSampling2D` covers nearest ×k
 * only, and its bilinear mode samples neither as PyTorch's `align_corners=False` nor `=True`.
 *
 * Keras equivalent: `Resizing` for a fixed size (bilinear, half-pixel centres) or a
 * `Lambda` around `tf.image.resize`; neither resizes to another tensor's size in one layer.
 */
export class Interpolate extends tf.layers.Layer {
  static className = 'Interpolate';
  readonly mode: InterpolationMode;
  readonly scale?: number;
  readonly alignCorners: boolean;

  constructor(args: InterpolateArgs) {
    super(args);
    if (!INTERPOLATION_MODES.includes(args.mode)) {
      throw new LayerError(
        `${this.name}: mode must be one of ${INTERPOLATION_MODES.join(', ')}, got '${args.mode}'.`,
      );
    }
    if (args.scale != null && !(Number.isInteger(args.scale) && args.scale >= 1)) {
      throw new LayerError(`${this.name}: scale must be a positive integer, got ${args.scale}.`);
    }
    if (args.alignCorners && args.mode !== 'bilinear') {
      throw new LayerError(`${this.name}: alignCorners applies to bilinear mode only.`);
    }
    this.mode = args.mode;
    this.scale = args.scale ?? undefined;
    this.alignCorners = args.alignCorners ?? false;
  }

  /** [x] with a scale, [x, reference] without. */
  private inputsOf<T>(list: T[]): T[] {
    const expected = this.scale === undefined ? 2 : 1;
    if (list.length !== expected) {
      throw new LayerError(
        `${this.name}: expects ${expected === 2 ? 'two inputs [x, reference]' : 'one input'}, got ${list.length}.`,
      );
    }
    return list;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [x, reference] = this.inputsOf(Array.isArray(inputs) ? inputs : [inputs]);
      const size: [number, number] =
        reference === undefined
          ? [x.shape[1]! * this.scale!, x.shape[2]! * this.scale!]
          : [reference.shape[1]!, reference.shape[2]!];
      const images = x as tf.Tensor4D;
      if (this.mode === 'nearest') return tf.image.resizeNearestNeighbor(images, size);
      if (this.alignCorners) return tf.image.resizeBilinear(images, size, true);
      // PyTorch's align_corners=False is TensorFlow's half-pixel centres.
      return resizeBilinearHalfPixel(images, size);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shapes = Array.isArray(inputShape[0])
      ? (inputShape as tf.Shape[])
      : [inputShape as tf.Shape];
    const [x, reference] = this.inputsOf(shapes) as [tf.Shape, tf.Shape | undefined];
    const scaled = (d: number | null) => (d === null ? null : d * this.scale!);
    return reference === undefined
      ? [x[0], scaled(x[1]), scaled(x[2]), x[3]]
      : [x[0], reference[1], reference[2], x[3]];
  }

  override getConfig(): tf.serialization.ConfigDict {
    const own: tf.serialization.ConfigDict = { mode: this.mode, alignCorners: this.alignCorners };
    if (this.scale !== undefined) own.scale = this.scale;
    return { ...own, ...super.getConfig() };
  }
}
tf.serialization.registerClass(Interpolate);
