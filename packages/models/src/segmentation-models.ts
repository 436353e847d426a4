import { registerVariants } from './register-variants.js';
import type { ModelReference } from './registry.js';
import {
  createSegmentationModel,
  SEGMENTATION_NUM_CLASSES,
  type SegmentationHead,
  type SegmentationOptions,
  segmentationInputShape,
  segmentationOptionNames,
} from './segmentation.js';

/** A segmentation entry: a head on a registered encoder. */
interface SegmentationSpec {
  name: string;
  head: SegmentationHead;
  encoder: string;
}

const FCN = 'Long, Shelhamer, Darrell 2015: Fully Convolutional Networks for Semantic Segmentation';
const DEEPLAB = 'Chen et al. 2017: Rethinking Atrous Convolution for Semantic Image Segmentation';
const UNET = 'Ronneberger, Fischer, Brox 2015: U-Net';
const FPN = 'Kirillov et al. 2019: Panoptic Feature Pyramid Networks';

function torchvision(model: string, paper: string): ModelReference {
  return {
    title: `torchvision ${model} (${paper})`,
    url: `https://pytorch.org/vision/stable/models/generated/torchvision.models.segmentation.${model}.html`,
    detail: "torchvision's layout (dilated encoder, output stride 8, auxiliary head) and count",
  };
}

function smp(model: string, paper: string): ModelReference {
  return {
    title: `segmentation_models_pytorch ${model} (${paper})`,
    url: 'https://github.com/qubvel-org/segmentation_models.pytorch',
    detail:
      "smp's default decoder; counts from a PyTorch re-implementation (scripts/segmentation-reference.py)",
  };
}

const spec = (head: SegmentationHead, encoder: string): SegmentationSpec => ({
  name: `${head}_${encoder}`,
  head,
  encoder,
});

// Counts with 21 classes (and the auxiliary head), MACs at 520×520 (FCN, DeepLabv3) or
// 512×512 (U-Net, FPN): src/segmentation-counts.json, from scripts/segmentation-reference.py.
registerVariants<SegmentationSpec, SegmentationOptions>(
  {
    task: 'semantic-segmentation',
    defaults: (s) => ({
      inputShape: segmentationInputShape(s.head),
      numClasses: SEGMENTATION_NUM_CLASSES,
    }),
    options: (s) => segmentationOptionNames(s.head),
    build: (s, options) => createSegmentationModel(s.head, s.encoder, options),
  },
  [
    {
      family: 'fcn',
      spec: spec('fcn', 'resnet50'),
      description: 'FCN on a dilated ResNet-50 (output stride 8), auxiliary head on stage 3.',
      counts: [35_322_218, 35_376_874, 152_716_512_000],
      reference: torchvision('fcn_resnet50', FCN),
    },
    {
      family: 'fcn',
      spec: spec('fcn', 'resnet101'),
      description: 'FCN on a dilated ResNet-101.',
      counts: [54_314_346, 54_421_226, 232_737_606_400],
      reference: torchvision('fcn_resnet101', FCN),
    },
    {
      family: 'deeplabv3',
      spec: spec('deeplabv3', 'resnet50'),
      description: 'DeepLabv3: ASPP (rates 12, 24, 36 and image pooling) on a dilated ResNet-50.',
      counts: [42_004_074, 42_061_290, 178_721_945_088],
      reference: torchvision('deeplabv3_resnet50', DEEPLAB),
    },
    {
      family: 'deeplabv3',
      spec: spec('deeplabv3', 'resnet101'),
      description: 'DeepLabv3 on a dilated ResNet-101.',
      counts: [60_996_202, 61_105_642, 258_743_039_488],
      reference: torchvision('deeplabv3_resnet101', DEEPLAB),
    },
    {
      family: 'unet',
      spec: spec('unet', 'resnet18'),
      description: 'U-Net decoder (256, 128, 64, 32, 16) on ResNet-18, skips at strides 2 to 16.',
      counts: [14_331_109, 14_342_693, 22_347_251_712],
      reference: smp('Unet', UNET),
    },
    {
      family: 'unet',
      spec: spec('unet', 'resnet34'),
      description: 'U-Net on ResNet-34.',
      counts: [24_439_269, 24_458_277, 32_010_928_128],
      reference: smp('Unet', UNET),
    },
    {
      family: 'unet',
      spec: spec('unet', 'resnet50'),
      description: 'U-Net on ResNet-50.',
      counts: [32_524_005, 32_579_109, 43_285_217_280],
      reference: smp('Unet', UNET),
    },
    {
      family: 'fpn',
      spec: spec('fpn', 'resnet18'),
      description: 'FPN decoder (pyramid 256, segmentation 128, GroupNorm) on ResNet-18.',
      counts: [13_049_813, 13_059_413, 17_798_529_024],
      reference: smp('FPN', FPN),
    },
    {
      family: 'fpn',
      spec: spec('fpn', 'resnet34'),
      description: 'FPN on ResNet-34.',
      counts: [23_157_973, 23_174_997, 27_462_205_440],
      reference: smp('FPN', FPN),
    },
    {
      family: 'fpn',
      spec: spec('fpn', 'resnet50'),
      description: 'FPN on ResNet-50.',
      counts: [26_118_613, 26_171_733, 31_186_747_392],
      reference: smp('FPN', FPN),
    },
  ],
);
