import { initBackend } from '@residual/backend';
import { loadModel } from '@residual/train';
import { type ClassScore, classifyImages } from '../classify.js';
import { BACKEND_OPTION, type Command, JSON_OPTION } from '../command.js';
import { readInferenceFile } from '../inference-file.js';
import { UsageError } from '../usage-error.js';

export const predictCommand: Command = {
  name: 'predict',
  summary: 'Classify images with a trained or imported model: top-5 classes and probabilities.',
  description:
    'Loads a model directory written by `residual train` or `residual import` and prints, for ' +
    'each image (PNG or JPEG), its most probable classes with their softmax probabilities. ' +
    'Images are resized, cropped and normalised as the model expects (inference.json in the ' +
    'model directory: for imported weights, as the source library defines it). Models with ' +
    '1000 classes name the ImageNet classes.',
  positionals: [{ name: 'image', description: 'Image files to classify.', variadic: true }],
  options: [
    {
      name: 'model-dir',
      type: 'string',
      placeholder: 'dir',
      description: 'Directory of a trained or imported model (model.json, inference.json).',
    },
    {
      name: 'top',
      type: 'integer',
      placeholder: 'k',
      description: 'How many classes to print per image.',
      default: 5,
    },
    BACKEND_OPTION,
    JSON_OPTION,
  ],
  examples: [
    'residual predict --model-dir runs/r50 cat.jpg dog.jpg',
    'residual predict --model-dir runs/r50 --json --top 3 cat.jpg',
  ],
  async run(values, terminal) {
    const modelDir = values['model-dir'] as string | undefined;
    if (modelDir === undefined) {
      throw new UsageError("predict: --model-dir is required. See 'residual predict --help'.");
    }
    const top = values.top as number;
    if (top < 1) throw new UsageError(`predict --top: must be at least 1, got ${top}.`);
    const images = values.image as string[];
    const info = await readInferenceFile(modelDir);
    const backend = await initBackend({ backend: values.backend as string | undefined });
    const model = await loadModel(modelDir);
    const results = await classifyImages(model, images, info.preprocessing, info.classNames, top);
    if (values.json) {
      const json = {
        model: model.name,
        modelDir,
        backend,
        predictions: images.map((image, i) => ({ image, top: results[i] })),
      };
      terminal.out(`${JSON.stringify(json, null, 2)}\n`);
      return 0;
    }
    terminal.out(images.map((image, i) => renderScores(image, results[i])).join('\n'));
    return 0;
  },
};

function renderScores(image: string, scores: readonly ClassScore[]): string {
  const lines = scores.map(
    (score, rank) =>
      `  ${rank + 1}. ${(score.probability * 100).toFixed(1).padStart(5)}%  ${score.name} (${score.index})`,
  );
  return `${image}\n${lines.join('\n')}\n`;
}
