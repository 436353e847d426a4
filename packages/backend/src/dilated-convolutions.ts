import * as tf from '@tensorflow/tfjs';
import { registerDilatedConvGradients } from './kernels/dilated-conv-gradients.js';
import { gradientDepth } from './kernels/gradient-depth.js';

/** Marks tfjs-layers' Conv2D prototype as routed, across copies of this module. */
const ROUTED = Symbol.for('@residual/backend/dilated-conv2d-call');

type LayerCall = (inputs: tf.Tensor | tf.Tensor[], kwargs: tf.serialization.ConfigDict) => unknown;

/** The fields of tfjs-layers' Conv2D that its `call` reads (private in its typings). */
interface Conv2DFields {
  rank: number;
  strides: number[];
  padding: string;
  dataFormat: string;
  dilationRate: number | number[];
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  activation: { apply(x: tf.Tensor): tf.Tensor } | null;
}

function isDilated(rate: number | number[]): boolean {
  return (typeof rate === 'number' ? [rate] : rate).some((d) => d !== 1);
}

/**
 * tfjs-layers' `Conv2D` runs `tf.fused.conv2d` even while a gradient is recorded (with a linear
 * activation, which Conv2D layers followed by batch norm have), and that op's gradient is a
 * closure that asserts every dilation is 1, out of reach of `registerGradient`. A dilated
 * Conv2D layer therefore computes, while a gradient is recorded only, the same function as
 * `tf.conv2d` plus bias plus activation, whose gradients take dilations. Undilated layers and
 * inference run tfjs's own code.
 */
function routeDilatedConv2DLayers(): void {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap.Conv2D;
  if (entry === undefined) return;
  const prototype = entry[0].prototype as unknown as { call: LayerCall; [ROUTED]?: true };
  if (prototype[ROUTED] === true) return;
  const inherited = prototype.call;
  prototype.call = function call(this: Conv2DFields, inputs, kwargs) {
    if (
      this.rank !== 2 ||
      !isDilated(this.dilationRate) ||
      gradientDepth() === 0 ||
      (this.padding !== 'same' && this.padding !== 'valid')
    ) {
      return inherited.call(this, inputs, kwargs);
    }
    return tf.tidy(() => {
      const input = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const channelsFirst = this.dataFormat === 'channelsFirst';
      let y: tf.Tensor = tf.conv2d(
        channelsFirst ? tf.transpose(input, [0, 2, 3, 1]) : input,
        this.kernel.read() as tf.Tensor4D,
        this.strides as [number, number],
        this.padding as 'same' | 'valid',
        'NHWC',
        this.dilationRate as [number, number],
      );
      if (this.bias !== null) y = tf.add(y, this.bias.read());
      if (channelsFirst) y = tf.transpose(y, [0, 3, 1, 2]);
      return this.activation === null ? y : this.activation.apply(y);
    });
  };
  prototype[ROUTED] = true;
}

/**
 * Makes dilated (atrous) convolutions train on every backend: `tf.conv2d`,
 * `tf.depthwiseConv2d`, `tf.separableConv2d` and `tf.layers.conv2d` / `separableConv2d` with
 * `dilationRate` > 1 and strides 1, where tfjs 4.22 refuses their gradients (tfjs-layers'
 * `depthwiseConv2d` ignores its `dilationRate`). Undilated
 * convolutions keep tfjs's own gradients and code. Importing this package, and
 * {@link registerTrainingKernels}, call it; idempotent. `tf.fused.conv2d` called directly with
 * dilations still has tfjs's gradient, which refuses them.
 */
export function registerDilatedConvolutions(): void {
  registerDilatedConvGradients();
  routeDilatedConv2DLayers();
}

// Importing the package is enough (its one side effect, declared in `sideEffects`): models that
// use dilated layers train whether or not `initBackend` was called.
registerDilatedConvolutions();
