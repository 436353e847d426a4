import { initBackend } from '@residual/backend';
import { withImageSize } from '@residual/datasets';
import { saveModel } from '@residual/train';
import { BACKEND_OPTION, defineCommand } from '../command.js';
import { writeInferenceFile } from '../inference-file.js';
import { integer, parsed, text } from '../options.js';
import { checkNewDirectory, writeDirectoryAtomic } from '../output-paths.js';
import { pretrainedInference, sourcePreprocessing } from '../pretrained-inference.js';
import { pretrainedModel } from '../pretrained-model.js';
import { knownModel } from '../pretrained-options.js';
import { readWeights } from '../weights-file.js';

export const importCommand = defineCommand({
  name: 'import',
  summary: 'Import torchvision, timm or Keras weights into a model directory.',
  description:
    'Builds a registered model, loads a weights file into it and writes a TensorFlow.js Layers ' +
    'model directory (model.json + weights.bin, as `residual train` writes) that ' +
    '`residual eval`, `residual predict` and `loadModel` read, with inference.json (the source ' +
    "library's preprocessing and class names: ImageNet's for classifiers; for torchvision's " +
    'FCN and DeepLabv3 segmentation weights, its transform (520×520, ImageNet mean and std), ' +
    "the 21 classes of its COCO_WITH_VOC_LABELS weights and Pascal VOC's colours, so predict " +
    'writes masks and eval scores a VOC folder). PyTorch files (.pth, .pt, ' +
    '.safetensors: torchvision and timm names, training checkpoints included) and Keras files ' +
    '(.h5, .keras) are told apart by extension. Strict: every tensor must match the model ' +
    "(FCN and DeepLabv3 with torchvision's auxiliary head when the file has one); the " +
    'classifier may have any class count. U-Net and FPN have no published weights: train them ' +
    'with `residual train`. --out must be new or empty; it is written whole or not at all.',
  options: [
    parsed(
      'model',
      {
        placeholder: 'name',
        description: "Architecture the weights are for (see 'residual models').",
        required: true,
      },
      knownModel,
    ),
    text('weights', {
      placeholder: 'file',
      description: 'The weights: .pth, .pt, .safetensors, .h5 or .keras.',
      required: true,
    }),
    text('out', {
      placeholder: 'dir',
      description: 'The model directory to write (new or empty).',
      required: true,
    }),
    integer('image-size', {
      placeholder: 'n',
      description:
        "Side of the square images the model takes (default: the model's: 224 for classifiers, 520 for FCN and DeepLabv3); inference.json keeps the source library's preprocessing at this size.",
      min: 1,
    }),
    BACKEND_OPTION,
  ],
  examples: [
    'residual import --model resnet50 --weights resnet50-11ad3fa6.pth --out models/resnet50',
    'residual import --model resnet50d --weights model.safetensors --out models/resnet50d',
    'residual import --model resnet50v2 --weights resnet50v2_weights_tf_dim_ordering_tf_kernels.h5 --out models/r50v2',
    'residual import --model deeplabv3_resnet50 --weights deeplabv3_resnet50_coco-cd0a2569.pth --out models/deeplab',
  ],
  async run(values, terminal) {
    const { model: name, weights: weightsPath, out, 'image-size': size } = values;
    await checkNewDirectory(out, 'import --out');
    await initBackend({ backend: values.backend });
    const weights = await readWeights(weightsPath, 'import');
    const { model, sourceClasses } = pretrainedModel(name, weights, {
      inputShape: size === undefined ? undefined : [size, size, 3],
    });
    const source = sourcePreprocessing(name);
    const inference =
      source === undefined
        ? undefined
        : pretrainedInference(
            name,
            size === undefined ? source : withImageSize(source, size),
            sourceClasses,
          );
    await writeDirectoryAtomic(out, async (dir) => {
      await saveModel(model, dir);
      if (inference !== undefined) await writeInferenceFile(dir, inference);
    });
    terminal.out(
      `imported ${name} (${sourceClasses} classes) from ${weightsPath}: ${weights.stateDict.size} tensors; model written to ${out}\n`,
    );
    return 0;
  },
});
