import { initBackend } from '@residual/backend';
import { loadModel } from '@residual/train';
import type * as tf from '@tensorflow/tfjs';
import { type ClassScore, classifyImages } from '../classify.js';
import { BACKEND_OPTION, defineCommand, JSON_OPTION } from '../command.js';
import { type InferenceInfo, readInferenceFile } from '../inference-file.js';
import { integer, parsed, text } from '../options.js';
import { pretrainedInference, sourcePreprocessing } from '../pretrained-inference.js';
import { pretrainedModel } from '../pretrained-model.js';
import { knownModel } from '../pretrained-options.js';
import { UsageError } from '../usage-error.js';
import { readWeights } from '../weights-file.js';
import { checkMaskFolder, predictMasks } from './predict-masks.js';

export const predictCommand = defineCommand({
  name: 'predict',
  summary:
    'Classify images with a trained or imported model (top-5 classes and probabilities), or segment them (mask and overlay PNGs).',
  description:
    'Loads a model directory written by `residual train` or `residual import` (or builds --model ' +
    'and loads --weights into it) and prints, for ' +
    'each image (PNG or JPEG), its most probable classes with their softmax probabilities. ' +
    'Images are resized, cropped and normalised as the model expects (inference.json in the ' +
    'model directory: for imported weights, as the source library defines it). Models with ' +
    '1000 classes name the ImageNet classes. A segmentation model (a run of `residual train` ' +
    "with unet_*, fpn_*, fcn_* or deeplabv3_*, or torchvision's FCN and DeepLabv3 weights " +
    'imported) labels every pixel instead, with its main head: each image is resized to the ' +
    "model's image size (inference.json), the logits resized back to the image's, and " +
    "<name>.mask.png (an indexed PNG: each pixel's class, in the data set's colours, Pascal " +
    "VOC's for imported weights) and <name>.overlay.png (the image with the mask blended over " +
    'it, background left clear) are written beside the image or into --out; the share of each ' +
    'class is printed.',
  positionals: [
    {
      name: 'image',
      description: 'Image files (PNG or JPEG) to classify or segment.',
      variadic: true,
    },
  ],
  options: [
    text('model-dir', {
      placeholder: 'dir',
      description: 'Directory of a trained or imported model (model.json, inference.json).',
    }),
    parsed(
      'model',
      {
        placeholder: 'name',
        description: 'Instead of --model-dir: a registered architecture, with --weights.',
      },
      knownModel,
    ),
    text('weights', {
      placeholder: 'file',
      description:
        'With --model: torchvision, timm or Keras weights (.pth, .pt, .safetensors, .h5, .keras).',
    }),
    text('out', {
      placeholder: 'dir',
      description:
        "Segmentation models: a new (or empty) folder for each image's <name>.mask.png and <name>.overlay.png (default: beside the image, replacing earlier ones of the same name).",
    }),
    integer('top', {
      placeholder: 'k',
      description: 'How many classes to print per image.',
      default: 5,
      min: 1,
    }),
    BACKEND_OPTION,
    JSON_OPTION,
  ],
  examples: [
    'residual predict --model-dir runs/r50 cat.jpg dog.jpg',
    'residual predict --model-dir runs/r50 --json --top 3 cat.jpg',
    'residual predict --model resnet50 --weights resnet50-11ad3fa6.pth cat.jpg',
    'residual predict --model-dir runs/shapes --out masks shape1.png shape2.png',
    'residual predict --model-dir models/deeplab photo.jpg',
  ],
  async run(values, terminal) {
    const { 'model-dir': modelDir, top, image: images } = values;
    // Checked before any work: masks never go into a folder they cannot be written to.
    if (values.out !== undefined) await checkMaskFolder(values.out);
    const backend = await initBackend({ backend: values.backend });
    if (modelDir !== undefined && (values.model !== undefined || values.weights !== undefined)) {
      throw new UsageError('predict: give --model-dir, or --model with --weights, not both.');
    }
    const { model, info } =
      modelDir === undefined
        ? await fromWeights(values.model, values.weights)
        : await fromDirectory(modelDir);
    if (info.segmentation !== undefined) {
      return predictMasks(
        model,
        images,
        { ...info, segmentation: info.segmentation },
        { out: values.out, json: values.json, modelDir, backend },
        terminal,
      );
    }
    if (values.out !== undefined) {
      throw new UsageError(
        `predict --out: only for segmentation models, which write masks; ${model.name} is a classifier, whose classes are printed.`,
      );
    }
    const results = await classifyImages(model, images, info.preprocessing, info.classNames, top);
    if (values.json) {
      const json = {
        model: model.name,
        modelDir,
        weights: values.weights,
        backend,
        predictions: images.map((image, i) => ({ image, top: results[i] })),
      };
      terminal.out(`${JSON.stringify(json, null, 2)}\n`);
      return 0;
    }
    terminal.out(images.map((image, i) => renderScores(image, results[i])).join('\n'));
    return 0;
  },
});

function renderScores(image: string, scores: readonly ClassScore[]): string {
  const lines = scores.map(
    (score, rank) =>
      `  ${rank + 1}. ${(score.probability * 100).toFixed(1).padStart(5)}%  ${score.name} (${score.index})`,
  );
  return `${image}\n${lines.join('\n')}\n`;
}

async function fromDirectory(dir: string): Promise<{ model: tf.LayersModel; info: InferenceInfo }> {
  const info = await readInferenceFile(dir);
  return { model: await loadModel(dir), info };
}

/** `--model` and `--weights`: the imported model, preprocessed as its source library says. */
async function fromWeights(
  name: string | undefined,
  weightsPath: string | undefined,
): Promise<{ model: tf.LayersModel; info: InferenceInfo }> {
  if (name === undefined && weightsPath === undefined) {
    throw new UsageError(
      "predict: --model-dir, or --model with --weights, is required. See 'residual predict --help'.",
    );
  }
  if (name === undefined) throw requiredWith('model', 'weights');
  if (weightsPath === undefined) throw requiredWith('weights', 'model');
  const preprocessing = sourcePreprocessing(name);
  if (preprocessing === undefined) {
    throw new UsageError(
      `predict --model: ${name} has no pretrained weights elsewhere; use --model-dir with a model trained here.`,
    );
  }
  const weights = await readWeights(weightsPath, 'predict');
  const { model, sourceClasses } = pretrainedModel(name, weights);
  return { model, info: pretrainedInference(name, preprocessing, sourceClasses) };
}

/** One of --model and --weights without the other. */
function requiredWith(option: string, other: string): UsageError {
  return new UsageError(
    `predict: --${option} is required with --${other}. See 'residual predict --help'.`,
  );
}
