import { HEAD_OPTION_NAMES, RESIDUAL_OPTION_NAMES } from './model-options.js';
import { registerVariants } from './register-variants.js';
import { type ResNetV2Options, type ResNetV2Spec, resNetV2 } from './resnet-v2.js';

const KERAS = {
  title:
    'Keras applications ResNetV2 (He et al. 2016: Identity Mappings in Deep Residual Networks)',
  url: 'https://keras.io/api/applications/resnet/',
  detail: "Keras' layout and parameter counts, conv biases included",
};

const described = (title: string, depths: readonly number[]) =>
  `${title}: pre-activation bottleneck blocks [${depths.join(', ')}], Keras layout.`;

registerVariants<ResNetV2Spec, ResNetV2Options>(
  {
    defaults: () => ({ inputShape: [224, 224, 3], numClasses: 1000 }),
    options: () => [...HEAD_OPTION_NAMES, ...RESIDUAL_OPTION_NAMES],
    build: resNetV2,
  },
  [
    {
      family: 'resnet_v2',
      spec: { name: 'resnet50v2', depths: [3, 4, 6, 3] },
      description: described('ResNet50V2', [3, 4, 6, 3]),
      counts: [25_568_360, 25_613_800, 3_482_255_360],
      reference: KERAS,
    },
    {
      family: 'resnet_v2',
      spec: { name: 'resnet101v2', depths: [3, 4, 23, 3] },
      description: described('ResNet101V2', [3, 4, 23, 3]),
      counts: [44_577_896, 44_675_560, 7_194_476_544],
      reference: KERAS,
    },
    {
      family: 'resnet_v2',
      spec: { name: 'resnet152v2', depths: [3, 8, 36, 3] },
      description: described('ResNet152V2', [3, 8, 36, 3]),
      counts: [60_236_904, 60_380_648, 10_906_697_728],
      reference: KERAS,
    },
  ],
);
