import {
  conv,
  convBn,
  Interpolate,
  type KernelInitializerFactory,
  relu,
  SeededDropout,
} from '@residual/layers';
import * as tf from '@tensorflow/tfjs';

/** What every head layer needs: its initial weights and its dropout seed. */
export interface HeadSettings {
  kernelInitializer: KernelInitializerFactory;
  seed: number | undefined;
}

/** DeepLabv3's atrous rates at output stride 8 (Chen et al. 2017, §4.1; torchvision's). */
export const ASPP_RATES = [12, 24, 36] as const;
/** Channels of every ASPP branch and of DeepLabv3's head. */
const ASPP_CHANNELS = 256;

function convBnRelu(
  x: tf.SymbolicTensor,
  name: string,
  filters: number,
  kernelSize: number,
  settings: HeadSettings,
  dilation = 1,
): tf.SymbolicTensor {
  const y = convBn(x, {
    filters,
    kernelSize,
    dilation,
    name,
    kernelInitializer: settings.kernelInitializer,
  });
  return relu(y, `${name}_relu`);
}

function dropout(
  x: tf.SymbolicTensor,
  name: string,
  rate: number,
  settings: HeadSettings,
): tf.SymbolicTensor {
  return new SeededDropout({ rate, seed: settings.seed, name }).apply(x) as tf.SymbolicTensor;
}

/** The 1×1 convolution, with a bias, that outputs one logit per class and pixel. */
export function classifierConv(
  x: tf.SymbolicTensor,
  name: string,
  classes: number,
  settings: HeadSettings,
): tf.SymbolicTensor {
  return conv(x, {
    filters: classes,
    kernelSize: 1,
    useBias: true,
    name,
    kernelInitializer: settings.kernelInitializer,
  });
}

/**
 * torchvision's `FCNHead` (Long et al. 2015 on a dilated ResNet): 3×3 conv to a quarter of
 * the channels, BN, ReLU, dropout 0.1, and the 1×1 classifier. Layers `<prefix>_1_conv`,
 * `<prefix>_1_bn`, `<prefix>_dropout`, `<prefix>_classifier_conv`; the prefix is `head` for
 * the main head and `aux` for the auxiliary one on stage 3.
 */
export function fcnHead(
  x: tf.SymbolicTensor,
  prefix: string,
  classes: number,
  settings: HeadSettings,
): tf.SymbolicTensor {
  const channels = x.shape[3] as number;
  let y = convBnRelu(x, `${prefix}_1`, Math.floor(channels / 4), 3, settings);
  y = dropout(y, `${prefix}_dropout`, 0.1, settings);
  return classifierConv(y, `${prefix}_classifier`, classes, settings);
}

/**
 * Atrous spatial pyramid pooling (Chen et al. 2017, §3.3), as torchvision builds it: a 1×1
 * branch (`aspp_0`), three 3×3 branches at the atrous rates (`aspp_1` … `aspp_3`), and image
 * pooling (`aspp_4`: global average, 1×1 conv, BN, ReLU, bilinear resize back), each of 256
 * channels; concatenated, projected to 256 by a 1×1 conv + BN + ReLU, then dropout 0.5.
 */
export function aspp(x: tf.SymbolicTensor, settings: HeadSettings): tf.SymbolicTensor {
  const branches = [convBnRelu(x, 'aspp_0', ASPP_CHANNELS, 1, settings)];
  ASPP_RATES.forEach((rate, i) => {
    branches.push(convBnRelu(x, `aspp_${i + 1}`, ASPP_CHANNELS, 3, settings, rate));
  });
  const channels = x.shape[3] as number;
  let pooled = tf.layers
    .globalAveragePooling2d({ name: 'aspp_pool' })
    .apply(x) as tf.SymbolicTensor;
  pooled = tf.layers
    .reshape({ targetShape: [1, 1, channels], name: 'aspp_pool_reshape' })
    .apply(pooled) as tf.SymbolicTensor;
  pooled = convBnRelu(pooled, 'aspp_4', ASPP_CHANNELS, 1, settings);
  branches.push(
    new Interpolate({ mode: 'bilinear', name: 'aspp_4_resize' }).apply([
      pooled,
      x,
    ]) as tf.SymbolicTensor,
  );
  const joined = tf.layers
    .concatenate({ axis: -1, name: 'aspp_concat' })
    .apply(branches) as tf.SymbolicTensor;
  const projected = convBnRelu(joined, 'aspp_project', ASPP_CHANNELS, 1, settings);
  return dropout(projected, 'aspp_project_dropout', 0.5, settings);
}

/**
 * torchvision's `DeepLabHead`: ASPP, then a 3×3 conv + BN + ReLU (`head_1`) and the 1×1
 * classifier (`head_classifier_conv`).
 */
export function deepLabHead(
  x: tf.SymbolicTensor,
  classes: number,
  settings: HeadSettings,
): tf.SymbolicTensor {
  const y = convBnRelu(aspp(x, settings), 'head_1', ASPP_CHANNELS, 3, settings);
  return classifierConv(y, 'head_classifier', classes, settings);
}

/** Bilinear resize (PyTorch's `align_corners=False`) of `x` to the size of `reference`. */
export function resizeLike(
  x: tf.SymbolicTensor,
  reference: tf.SymbolicTensor,
  name: string,
): tf.SymbolicTensor {
  return new Interpolate({ mode: 'bilinear', name }).apply([x, reference]) as tf.SymbolicTensor;
}
