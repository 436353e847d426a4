import { conv, preActBottleneckBlock } from '@residual/layers';
import * as tf from '@tensorflow/tfjs';
import { checkDepths, type NetworkOptions, resolveNetworkOptions } from './model-options.js';
import { blockVariant, finishNetwork, stemPool } from './network.js';
import { residualStages } from './stages.js';

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
  x = stemPool(x);
  const stages = residualStages(
    x,
    spec.depths,
    settings,
    (x, at) =>
      preActBottleneckBlock(x, {
        ...blockVariant(settings, at.index, at.total),
        filters: 64 * 2 ** at.stage,
        // Keras strides each stage's last block, so the next stage starts at the lower size.
        strides: at.block === at.blocks - 1 && !at.lastStage ? 2 : 1,
        shortcut: at.block === 0 ? 'projection' : 'zero-pad',
        useBias: true,
        name: at.name,
        kernelInitializer: settings.kernelInitializer,
      }),
    { preActivation: true },
  );
  return finishNetwork(input, stages, settings);
}
