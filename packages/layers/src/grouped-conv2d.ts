import * as tf from '@tensorflow/tfjs';
import type { Initializer } from './initializers.js';
import {
  type LayerArgs,
  type SerializedInitializer,
  serializeInitializer,
  singleInput,
  singleShape,
  toInitializer,
} from './layer-config.js';
import { LayerError } from './layer-error.js';

export interface GroupedConv2DArgs extends LayerArgs {
  /** Output channels; must be a multiple of `groups`. */
  filters: number;
  /** Kernel height and width (one number for a square kernel). */
  kernelSize: number | [number, number];
  /** Vertical and horizontal stride. Default 1. */
  strides?: number | [number, number];
  /** TensorFlow padding: 'same' or 'valid'. Default 'valid'. */
  padding?: 'same' | 'valid';
  /** Number of groups the input and output channels are split into; must divide both. */
  groups: number;
  /** Add a learned bias per output channel. Default false. */
  useBias?: boolean;
  /** Default: He normal. Serialized `{ className, config }` form accepted. */
  kernelInitializer?: Initializer | SerializedInitializer;
  /** Default: zeros. */
  biasInitializer?: Initializer | SerializedInitializer;
}

/**
 * A grouped 2-D convolution (Krizhevsky et al. 2012; "cardinality" in ResNeXt, Xie et al. 2017):
 * the channels are split into `groups` groups and each is convolved with its own filters, so
 * the kernel has shape [kh, kw, inChannels / groups, filters]. tfjs's conv2d has no `groups`
 * argument; this layer convolves the groups separately and concatenates them, and autodiff
 * gives its gradients.
 *
 * Keras equivalent: `Conv2D(filters, kernel_size, strides, padding, groups=groups)`, with the
 * same kernel shape and channel order, so weights transfer one to one.
 */
export class GroupedConv2D extends tf.layers.Layer {
  static className = 'GroupedConv2D';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'same' | 'valid';
  readonly groups: number;
  readonly useBias: boolean;
  private readonly kernelInitializer: Initializer;
  private readonly biasInitializer: Initializer;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(args: GroupedConv2DArgs) {
    super(args);
    this.filters = args.filters;
    this.kernelSize = pair(args.kernelSize);
    this.strides = pair(args.strides ?? 1);
    this.padding = args.padding ?? 'valid';
    this.groups = args.groups;
    this.useBias = args.useBias ?? false;
    this.kernelInitializer = toInitializer(args.kernelInitializer, () =>
      tf.initializers.heNormal({}),
    );
    this.biasInitializer = toInitializer(args.biasInitializer, () => tf.initializers.zeros());
    if (!Number.isInteger(this.groups) || this.groups < 1 || this.filters % this.groups !== 0) {
      throw new LayerError(
        `${this.name}: groups must be a positive integer dividing filters (${this.filters}), got ${this.groups}.`,
      );
    }
    if (this.padding !== 'same' && this.padding !== 'valid') {
      throw new LayerError(
        `${this.name}: padding must be 'same' or 'valid', got '${this.padding}'.`,
      );
    }
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = singleShape(inputShape);
    const inChannels = shape[shape.length - 1];
    if (inChannels === null || inChannels % this.groups !== 0) {
      throw new LayerError(
        `${this.name}: ${this.groups} groups need input channels divisible by ${this.groups}, got ${inChannels}.`,
      );
    }
    this.kernel = this.addWeight(
      'kernel',
      [...this.kernelSize, inChannels / this.groups, this.filters],
      'float32',
      this.kernelInitializer,
    );
    if (this.useBias) {
      this.bias = this.addWeight('bias', [this.filters], 'float32', this.biasInitializer);
    }
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = singleInput(inputs) as tf.Tensor4D;
      const kernel = this.kernel!.read() as tf.Tensor4D;
      const xs = tf.split(x, this.groups, 3);
      const kernels = tf.split(kernel, this.groups, 3);
      const outputs = xs.map((part, g) =>
        tf.conv2d(part as tf.Tensor4D, kernels[g] as tf.Tensor4D, this.strides, this.padding),
      );
      const y = outputs.length === 1 ? outputs[0] : tf.concat(outputs, 3);
      return this.bias === undefined ? y : tf.add(y, this.bias.read());
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, height, width] = singleShape(inputShape);
    return [
      batch,
      outputLength(height, this.kernelSize[0], this.strides[0], this.padding),
      outputLength(width, this.kernelSize[1], this.strides[1], this.padding),
      this.filters,
    ];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      filters: this.filters,
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      groups: this.groups,
      useBias: this.useBias,
      kernelInitializer: { ...serializeInitializer(this.kernelInitializer) },
      biasInitializer: { ...serializeInitializer(this.biasInitializer) },
      ...super.getConfig(),
    };
  }
}
tf.serialization.registerClass(GroupedConv2D);

function pair(value: number | [number, number]): [number, number] {
  return typeof value === 'number' ? [value, value] : [value[0], value[1]];
}

/** TensorFlow's output length for 'same' and 'valid' padding. */
function outputLength(
  size: number | null,
  kernel: number,
  stride: number,
  padding: 'same' | 'valid',
): number | null {
  if (size === null) return null;
  return padding === 'same' ? Math.ceil(size / stride) : Math.ceil((size - kernel + 1) / stride);
}
