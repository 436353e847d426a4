import { HEAD_OPTION_NAMES, RESIDUAL_OPTION_NAMES } from './model-options.js';
import { registerModel } from './registry.js';
import { type ResNetV2Options, resNetV2 } from './resnet-v2.js';

function registerResNetV2(
  name: string,
  title: string,
  depths: readonly number[],
  trainableParams: number,
  totalParams: number,
  macs: number,
): void {
  registerModel<ResNetV2Options>({
    name,
    family: 'resnet_v2',
    description: `${title}: pre-activation bottleneck blocks [${depths.join(', ')}], Keras layout.`,
    defaultInputShape: [224, 224, 3],
    defaultNumClasses: 1000,
    trainableParams,
    totalParams,
    macs,
    reference: {
      title:
        'Keras applications ResNetV2 (He et al. 2016: Identity Mappings in Deep Residual Networks)',
      url: 'https://keras.io/api/applications/resnet/',
      detail: "Keras' layout and parameter counts, conv biases included",
    },
    options: [...HEAD_OPTION_NAMES, ...RESIDUAL_OPTION_NAMES],
    build: (options) => resNetV2({ name, depths }, options),
  });
}

registerResNetV2('resnet50v2', 'ResNet50V2', [3, 4, 6, 3], 25_568_360, 25_613_800, 3_482_255_360);
registerResNetV2(
  'resnet101v2',
  'ResNet101V2',
  [3, 4, 23, 3],
  44_577_896,
  44_675_560,
  7_194_476_544,
);
registerResNetV2(
  'resnet152v2',
  'ResNet152V2',
  [3, 8, 36, 3],
  60_236_904,
  60_380_648,
  10_906_697_728,
);
