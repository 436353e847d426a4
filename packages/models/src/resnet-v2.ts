import { conv, preActBottleneckBlock } from '@residual/layers';
import * as tf from '@tensorflow/tfjs';
import { checkDepths, type NetworkOptions, resolveNetworkOptions } from './model-options.js';
import { blockVariant, finishNetwork, postActivation } from './network.js';

export type ResNetV2Options = NetworkOptions;

/** One variant of Keras' pre-activation ResNet. */
export interface ResNetV2Spec {
  /** Registry name, also the model's name. */
  name: string;
  /** Bottleneck blocks per stage, e.g. [3, 4, 6, 3] for ResNet50V2. */
  depths: readonly number[];
}

const IMAGENET = { inputShape: [224, 224, 3], numClasses: 1000 } as const;

/**
 * The pre-activation ResNet (He et al. 2016, "Identity Mappings") in the layout of Keras
 * applications' ResNet50V2/101V2/152V2, so parameter counts match Keras': a 7×7/2 stem conv
 * with a bias and no BN, bottleneck blocks with biases on the last 1×1 and the projection,
 * each stage's first block projecting and its *last* block striding (a 1×1 max-pool subsamples
 * the shortcut), and BN → ReLU after the last stage. Outputs logits.
 */
export function resNetV2(spec: ResNetV2Spec, options: ResNetV2Options = {}): tf.LayersModel {
  checkDepths(spec.name, spec.depths);
  const settings = resolveNetworkOptions(spec.name, options, IMAGENET);
  const input = tf.input({ shape: [...settings.inputShape], name: 'input' });
  let x = conv(input, {
    filters: 64,
    kernelSize: 7,
    strides: 2,
    useBias: true,
    name: 'stem',
    kernelInitializer: settings.kernelInitializer,
  });
  x = tf.layers
    .zeroPadding2d({ padding: [1, 1], name: 'stem_pool_pad' })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid', name: 'stem_pool' })
    .apply(x) as tf.SymbolicTensor;

  const total = spec.depths.reduce((a, b) => a + b, 0);
  const lastStage = spec.depths.length - 1;
  let index = 0;
  const stages: tf.SymbolicTensor[] = [];
  spec.depths.forEach((count, stage) => {
    for (let block = 0; block < count; block++) {
      x = preActBottleneckBlock(x, {
        ...blockVariant(settings, index++, total),
        filters: 64 * 2 ** stage,
        strides: block === count - 1 && stage < lastStage ? 2 : 1,
        shortcut: block === 0 ? 'projection' : 'zero-pad',
        useBias: true,
        name: `stage${stage + 1}_block${block + 1}`,
        kernelInitializer: settings.kernelInitializer,
      });
    }
    stages.push(stage === lastStage ? postActivation(x, settings) : x);
  });
  return finishNetwork(input, stages, settings);
}
