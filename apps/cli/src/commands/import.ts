import { initBackend } from '@residual/backend';
import { imagenetPreprocessing, withImageSize } from '@residual/datasets';
import { saveModel } from '@residual/train';
import { BACKEND_OPTION, type Command } from '../command.js';
import { writeInferenceFile } from '../inference-file.js';
import { checkNewDirectory, writeDirectoryAtomic } from '../output-paths.js';
import { pretrainedModel } from '../pretrained-model.js';
import { checkModelName, classNamesFor, requireOption } from '../pretrained-options.js';
import { UsageError } from '../usage-error.js';
import { readWeights } from '../weights-file.js';

export const importCommand: Command = {
  name: 'import',
  summary: 'Import torchvision, timm or Keras weights into a model directory.',
  description:
    'Builds a registered model, loads a weights file into it and writes a TensorFlow.js Layers ' +
    'model directory (model.json + weights.bin, as `residual train` writes) that ' +
    '`residual eval`, `residual predict` and `loadModel` read, with inference.json (the source ' +
    "library's ImageNet preprocessing and the class names). PyTorch files (.pth, .pt, " +
    '.safetensors: torchvision and timm names, training checkpoints included) and Keras files ' +
    '(.h5, .keras) are told apart by extension. Strict: every tensor must match the model; ' +
    'the classifier may have any class count. --out must be new or empty; it is written whole or not at all.',
  options: [
    {
      name: 'model',
      type: 'string',
      placeholder: 'name',
      description: "Architecture the weights are for (see 'residual models').",
    },
    {
      name: 'weights',
      type: 'string',
      placeholder: 'file',
      description: 'The weights: .pth, .pt, .safetensors, .h5 or .keras.',
    },
    {
      name: 'out',
      type: 'string',
      placeholder: 'dir',
      description: 'The model directory to write (new or empty).',
    },
    {
      name: 'image-size',
      type: 'integer',
      placeholder: 'n',
      description:
        "Side of the square images the model takes (default: the model's, 224); inference.json keeps the source library's preprocessing at this size.",
    },
    BACKEND_OPTION,
  ],
  examples: [
    'residual import --model resnet50 --weights resnet50-11ad3fa6.pth --out models/resnet50',
    'residual import --model resnet50d --weights model.safetensors --out models/resnet50d',
    'residual import --model resnet50v2 --weights resnet50v2_weights_tf_dim_ordering_tf_kernels.h5 --out models/r50v2',
  ],
  async run(values, terminal) {
    const name = requireOption(values.model, 'model', 'import');
    const weightsPath = requireOption(values.weights, 'weights', 'import');
    const out = requireOption(values.out, 'out', 'import');
    checkModelName(name, 'import');
    const size = values['image-size'] as number | undefined;
    if (size !== undefined && size < 1) {
      throw new UsageError(`import --image-size: must be at least 1, got ${size}.`);
    }
    await checkNewDirectory(out, 'import --out');
    await initBackend({ backend: values.backend as string | undefined });
    const weights = await readWeights(weightsPath, 'import');
    const { model, sourceClasses } = pretrainedModel(name, weights, {
      inputShape: size === undefined ? undefined : [size, size, 3],
    });
    const source = imagenetPreprocessing(name);
    const preprocessing =
      source === undefined || size === undefined ? source : withImageSize(source, size);
    await writeDirectoryAtomic(out, async (dir) => {
      await saveModel(model, dir);
      if (preprocessing !== undefined) {
        await writeInferenceFile(dir, {
          preprocessing,
          classNames: classNamesFor(sourceClasses),
        });
      }
    });
    terminal.out(
      `imported ${name} (${sourceClasses} classes) from ${weightsPath}: ${weights.stateDict.size} tensors; model written to ${out}\n`,
    );
    return 0;
  },
};
