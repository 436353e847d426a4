import { FREEZE_POINTS } from '@residual/models';
import { RECIPE_NAMES, SEGMENTATION_LOSSES } from '@residual/train';
import { BACKEND_OPTION, type CommandValues } from '../command.js';
import { DATASET_SOURCE_OPTIONS } from '../datasets.js';
import { CHANNELS_OPTION } from '../image-shape.js';
import { choice, flag, integer, number, parsed, text } from '../options.js';
import { knownModel } from '../pretrained-options.js';
import { RECOMPUTE_OPTION } from './train-recompute.js';

/** `residual train`'s options, image and language models alike. */
export const TRAIN_OPTIONS = [
  parsed(
    'model',
    {
      placeholder: 'name',
      description: "Architecture from the registry (see 'residual models').",
      default: 'cifar_resnet8',
    },
    knownModel,
  ),
  text('dataset', {
    placeholder: 'name|path',
    description:
      "Data set to train on: a name from 'residual datasets', or a folder (the standard files, or one subfolder of images per class; for a segmentation model, Pascal VOC's layout or images/ beside masks/); for a language model, a text corpus (moby-dick, tiny-shakespeare) or a UTF-8 file or folder of .txt files (default: digits, shapes for a segmentation model, moby-dick for a language model).",
  }),
  ...DATASET_SOURCE_OPTIONS,
  text('weights', {
    placeholder: 'file',
    description:
      "Start from pretrained weights (.pth, .pt, .safetensors, .h5, .keras) for --model: loaded strictly, the classifier replaced when the data set has another class count; images preprocessed as the weights' library does (resize, centre crop, mean/std).",
  }),
  integer('image-size', {
    placeholder: 'n',
    description:
      "Side of the images the model sees: the data set's resized to n×n (bilinear, as torchvision's Resize) and the model built for it; with --weights, the side of the centre crop; for a segmentation data set, the side shapes and digit-mosaics are generated at, or a folder's images (bilinear) and masks (nearest) resized to (default: the images' own; with --weights the weights' own, 224).",
    min: 1,
  }),
  CHANNELS_OPTION,
  choice('freeze', {
    placeholder: 'point',
    description:
      'Train only the layers after this point: the stem, a stage (its batch norms keep their statistics), or all but the classifier (fine-tuning).',
    choices: FREEZE_POINTS,
  }),
  choice('recipe', {
    placeholder: 'name',
    description:
      'quick: momentum 0.9, cosine decay to zero over 5 epochs; sgd: a constant rate; paper: the ResNet paper (lr 0.1, ÷10 at 50% and ' +
      '75%, weight decay 1e-4, batch 128, crop + flip); modern: warm-up, cosine, label smoothing.',
    default: 'quick',
    choices: RECIPE_NAMES,
  }),
  integer('epochs', {
    placeholder: 'n',
    description:
      "Passes over the training images (default: the recipe's: quick 5, sgd 3, paper 164, modern 200).",
    min: 1,
  }),
  integer('batch-size', {
    placeholder: 'n',
    description:
      "Images per optimizer step (default: the recipe's: quick and sgd 64, paper and modern 128).",
    min: 1,
  }),
  number('lr', {
    placeholder: 'rate',
    description:
      "Peak learning rate, which the recipe's schedule scales (default: quick and sgd 0.05, paper and modern 0.1).",
    above: 0,
  }),
  choice('loss', {
    placeholder: 'name',
    description:
      "Segmentation models: the per-pixel loss, mask value 255 left out (PyTorch's CrossEntropyLoss(ignore_index=255), smp's multiclass DiceLoss, or their sum; default cross-entropy).",
    choices: SEGMENTATION_LOSSES,
  }),
  integer('train-images', {
    placeholder: 'n',
    description:
      'Generated segmentation data sets (shapes, digit-mosaics): how many training images to generate (default 2000); the test images stay the same.',
    min: 1,
    max: 100_000,
  }),
  flag('zero-init-residual', {
    description:
      "Image models: start every residual block as the identity, its last batch norm's γ at zero (torchvision's zero_init_residual=True, Goyal et al. 2017); U-Net and FPN encoders too.",
  }),
  choice('optimizer', {
    placeholder: 'name',
    description:
      "Segmentation models: 'sgd' (the recipe's momentum SGD, default) or 'adamw' (PyTorch's AdamW, the recipe's schedule and weight decay; --lr defaults to 0.001 with it).",
    choices: ['sgd', 'adamw'],
  }),
  number('aux-weight', {
    placeholder: 'w',
    description:
      "Segmentation models with an auxiliary head (FCN, DeepLabv3): its share of the loss, main + w·aux (default 0.5, torchvision's reference).",
    min: 0,
  }),
  integer('steps', {
    placeholder: 'n',
    description: 'Language models: optimizer steps, each a batch of random windows (default 2000).',
    min: 1,
  }),
  choice('tokenizer', {
    placeholder: 'kind',
    description:
      "Language models: 'char' (the corpus's characters, default) or 'byte' (UTF-8 bytes).",
    choices: ['char', 'byte'],
  }),
  integer('context', {
    placeholder: 'n',
    description:
      "Language models: tokens the model sees (default: the model's, 64 for gpt_char_micro).",
    min: 1,
  }),
  integer('layers', {
    placeholder: 'n',
    description: "Language models: transformer blocks (default: the model's).",
    min: 1,
  }),
  integer('heads', {
    placeholder: 'n',
    description:
      "Language models: attention heads; the width must divide by them (default: the model's).",
    min: 1,
  }),
  integer('width', {
    placeholder: 'n',
    description: "Language models: channels of the residual stream (default: the model's).",
    min: 1,
  }),
  integer('eval-every', {
    placeholder: 'steps',
    description:
      'Language models: measure the validation loss every this many steps (default 250).',
    min: 1,
  }),
  integer('seed', {
    placeholder: 'n',
    description:
      'Seeds the initial weights, the data order and augmentation: the same seed and backend give the same run.',
    default: 0,
  }),
  BACKEND_OPTION,
  text('out', {
    placeholder: 'dir',
    description:
      'Where to write the run (default: runs/<timestamp>). Must be new, empty, or an interrupted run of the same options (which is then continued).',
  }),
  text('resume', {
    placeholder: 'dir',
    description: 'Continue the interrupted run in dir, with the options it was started with.',
  }),
  integer('checkpoint-every', {
    placeholder: 'steps',
    description:
      'Write a checkpoint every this many steps, besides each epoch end (applies to this invocation: repeat it with --resume).',
    default: 100,
    min: 1,
  }),
  integer('print-every', {
    placeholder: 'steps',
    description:
      "Print the loss every this many steps where stderr is not a terminal (logs, CI; the default prints once per epoch), as torchvision's reference scripts do with --print-freq.",
    min: 1,
  }),
  integer('keep-checkpoints', {
    placeholder: 'n',
    description: 'Keep the newest n checkpoints.',
    default: 3,
    min: 1,
  }),
  RECOMPUTE_OPTION,
  integer('limit', {
    placeholder: 'n',
    description: 'Train on the first n training images only (quick checks).',
    min: 1,
  }),
  integer('test-limit', {
    placeholder: 'n',
    description: 'Evaluate on the first n held-out images only (quick checks).',
    min: 1,
  }),
] as const;

/** What `residual train` receives. */
export type TrainValues = CommandValues<typeof TRAIN_OPTIONS>;

/** The name of one of train's options. */
export type TrainOption = keyof TrainValues;
