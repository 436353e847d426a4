import { initBackend } from '@residual/backend';
import { exportOnnx, toStateDict, writePth, writeSafetensors } from '@residual/interop';
import { loadModel, writeFileAtomic } from '@residual/train';
import { BACKEND_OPTION, type Command } from '../command.js';
import { checkNewFile } from '../output-paths.js';
import { requireOption } from '../pretrained-options.js';
import { UsageError } from '../usage-error.js';

const FORMATS = ['safetensors', 'pth', 'onnx'] as const;

export const exportCommand: Command = {
  name: 'export',
  summary: 'Export a model for PyTorch (safetensors, .pth) or ONNX Runtime.',
  description:
    'Reads a model directory written by `residual train` or `residual import` and writes its ' +
    'weights under torchvision/timm names as safetensors or a PyTorch .pth (a state dict that ' +
    '`torchvision.models.<name>()` or `timm.create_model(<name>)` loads with strict=True), or ' +
    'the whole model as ONNX (NCHW input, dynamic batch). --out must not exist; it is written ' +
    'under a temporary name and renamed, so it is complete or absent.',
  options: [
    {
      name: 'model-dir',
      type: 'string',
      placeholder: 'dir',
      description: 'Directory of the model to export (required).',
    },
    {
      name: 'format',
      type: 'string',
      placeholder: 'name',
      description: 'File format to write (required).',
      choices: FORMATS,
    },
    {
      name: 'out',
      type: 'string',
      placeholder: 'file',
      description: 'The file to write (required; must not exist).',
    },
    {
      name: 'opset',
      type: 'integer',
      placeholder: 'n',
      description: 'ONNX opset version (--format onnx).',
      default: 13,
    },
    BACKEND_OPTION,
  ],
  examples: [
    'residual export --model-dir runs/r18 --format safetensors --out r18.safetensors',
    'residual export --model-dir runs/r18 --format pth --out r18.pth',
    'residual export --model-dir runs/r18 --format onnx --out r18.onnx',
  ],
  async run(values, terminal) {
    const modelDir = requireOption(values['model-dir'], 'model-dir', 'export');
    const format = requireOption(values.format, 'format', 'export') as (typeof FORMATS)[number];
    const out = requireOption(values.out, 'out', 'export');
    if (format !== 'onnx' && values.opset !== 13) {
      throw new UsageError('export --opset: applies to --format onnx only.');
    }
    await checkNewFile(out, 'export --out');
    await initBackend({ backend: values.backend as string | undefined });
    const model = await loadModel(modelDir);
    const bytes =
      format === 'onnx'
        ? exportOnnx(model, { opsetVersion: values.opset as number })
        : format === 'pth'
          ? writePth(toStateDict(model))
          : writeSafetensors(toStateDict(model));
    await writeFileAtomic(out, bytes);
    terminal.out(
      `exported ${model.name} from ${modelDir} as ${format}: ${out} (${bytes.byteLength} bytes)\n`,
    );
    return 0;
  },
};
