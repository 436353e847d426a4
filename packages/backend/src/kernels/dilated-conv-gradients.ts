import * as tf from '@tensorflow/tfjs';
import { BackendError } from '../residual-error.js';
import { type AtrousConv, atrousGradients } from './atrous-gradients.js';
import { gradientDepth } from './gradient-depth.js';
import { overriddenKernels } from './kernel-overrides.js';
import { type ConvAttrs, conv2dInfo } from './shared/conv-info.js';

/**
 * Marks a gradient as ours, so that a second copy of this module (the package's entry and its
 * `testing` entry are bundled separately) does not wrap it again.
 */
const DILATED = Symbol.for('@residual/backend/dilated-conv-gradient');

type MarkedGradient = tf.GradConfig & { [DILATED]?: true };

const KERNELS: Record<AtrousConv, { forward: string; input: string; filter: string }> = {
  conv2d: {
    forward: tf.Conv2D,
    input: tf.Conv2DBackpropInput,
    filter: tf.Conv2DBackpropFilter,
  },
  depthwise: {
    forward: tf.DepthwiseConv2dNative,
    input: tf.DepthwiseConv2dNativeBackpropInput,
    filter: tf.DepthwiseConv2dNativeBackpropFilter,
  },
};

/** tfjs leaves an attribute it was not given undefined, or null where a caller passed null. */
function pair(value: number | [number, number] | null | undefined): [number, number] {
  if (value === undefined || value === null) return [1, 1];
  return typeof value === 'number' ? [value, value] : value;
}

/**
 * Whether the gradient kernels of `conv` on the current backend are ours, which take dilations
 * (as TensorFlow's do; tfjs's stock kernels have no such attribute, or ignore it). Not inside a
 * gradient of a gradient: tfjs's gradients of those kernels know no dilations. Where they run,
 * they are the fast way: on wasm with the native kernels, a 3×3 256-channel convolution of
 * batch 8 at 33×33 took ~150 ms per gradient at dilation 2 and 4, as at dilation 1; through
 * space-to-batch, 700–950 ms.
 */
function kernelsTakeDilations(conv: AtrousConv): boolean {
  if (gradientDepth() !== 0) return false;
  const ours = overriddenKernels(tf.getBackend());
  return ours.includes(KERNELS[conv].input) && ours.includes(KERNELS[conv].filter);
}

/**
 * tfjs's gradient of `conv` where every dilation is 1 (the same function, called with the same
 * arguments), and a gradient that takes dilations where tfjs asserts they are 1: our kernels
 * with the dilations where they run, else the space-to-batch identity over undilated kernels
 * (see atrous-gradients.ts), on any backend.
 */
function dilatedGradient(conv: AtrousConv, original: tf.GradConfig): MarkedGradient {
  return {
    ...original,
    [DILATED]: true,
    gradFunc: (dy, saved, attrs) => {
      const convAttrs = attrs as unknown as ConvAttrs;
      const [dilationHeight, dilationWidth] = pair(convAttrs.dilations);
      if (dilationHeight === 1 && dilationWidth === 1) return original.gradFunc(dy, saved, attrs);
      const [x, filter] = saved as tf.Tensor4D[];
      const [strideHeight, strideWidth] = pair(convAttrs.strides);
      if (strideHeight !== 1 || strideWidth !== 1) {
        // tfjs's forward ops refuse this already; a kernel called directly may not.
        throw new BackendError(
          `The gradient of a dilated ${KERNELS[conv].forward} needs strides 1, got strides ` +
            `${[strideHeight, strideWidth]} with dilations ${[dilationHeight, dilationWidth]}.`,
        );
      }
      if (convAttrs.dataFormat !== undefined && convAttrs.dataFormat !== 'NHWC') {
        throw new BackendError(
          `The gradient of a dilated ${KERNELS[conv].forward} takes dataFormat NHWC ` +
            `(channelsLast) only, got ${convAttrs.dataFormat}.`,
        );
      }
      if (kernelsTakeDilations(conv)) {
        const geometry = { ...convAttrs, dataFormat: 'NHWC' };
        return {
          x: () =>
            tf.engine().runKernel(KERNELS[conv].input, { dy: dy as tf.Tensor, filter }, {
              ...geometry,
              inputShape: x.shape,
            } as unknown as tf.NamedAttrMap) as tf.Tensor,
          filter: () =>
            tf.engine().runKernel(KERNELS[conv].filter, { x, dy: dy as tf.Tensor }, {
              ...geometry,
              filterShape: filter.shape,
            } as unknown as tf.NamedAttrMap) as tf.Tensor,
        };
      }
      const info = conv2dInfo(x.shape, filter.shape, convAttrs, conv === 'depthwise');
      return atrousGradients(conv, x, filter, dy as tf.Tensor4D, info);
    },
  };
}

/**
 * Replaces tfjs's gradients of Conv2D and DepthwiseConv2dNative with ones that also take
 * dilations (tfjs 4.22 asserts they are 1), on every backend; undilated convolutions keep
 * tfjs's own gradient, unchanged. Idempotent.
 */
export function registerDilatedConvGradients(): void {
  for (const conv of ['conv2d', 'depthwise'] as const) {
    const original = tf.getGradient(KERNELS[conv].forward) as MarkedGradient | undefined;
    if (original === undefined || original[DILATED] === true) continue;
    tf.registerGradient(dilatedGradient(conv, original));
  }
}
