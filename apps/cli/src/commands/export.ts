import { initBackend } from '@residual/backend';
import { exportOnnx, toStateDict, writePth, writeSafetensors } from '@residual/interop';
import { loadModel, writeFileAtomic } from '@residual/train';
import { BACKEND_OPTION, defineCommand } from '../command.js';
import { choice, integer, text } from '../options.js';
import { checkNewFile } from '../output-paths.js';
import { UsageError } from '../usage-error.js';

const FORMATS = ['safetensors', 'pth', 'onnx'] as const;

export const exportCommand = defineCommand({
  name: 'export',
  summary: 'Export a model for PyTorch (safetensors, .pth) or ONNX Runtime.',
  description:
    'Reads a model directory written by `residual train` or `residual import` and writes its ' +
    'weights under torchvision/timm names as safetensors or a PyTorch .pth (a state dict that ' +
    '`torchvision.models.<name>()` or `timm.create_model(<name>)` loads with strict=True), or ' +
    'the whole model as ONNX (NCHW input, dynamic batch). --out must not exist; it is written ' +
    'under a temporary name and renamed, so it is complete or absent.',
  options: [
    text('model-dir', {
      placeholder: 'dir',
      description: 'Directory of the model to export (required).',
      required: true,
    }),
    choice('format', {
      placeholder: 'name',
      description: 'File format to write (required).',
      choices: FORMATS,
      required: true,
    }),
    text('out', {
      placeholder: 'file',
      description: 'The file to write (required; must not exist).',
      required: true,
    }),
    // The versions exportOnnx writes.
    integer('opset', {
      placeholder: 'n',
      description: 'ONNX opset version (--format onnx).',
      default: 13,
      min: 13,
      max: 21,
    }),
    BACKEND_OPTION,
  ],
  examples: [
    'residual export --model-dir runs/r18 --format safetensors --out r18.safetensors',
    'residual export --model-dir runs/r18 --format pth --out r18.pth',
    'residual export --model-dir runs/r18 --format onnx --out r18.onnx',
  ],
  async run(values, terminal) {
    const { 'model-dir': modelDir, format, out } = values;
    if (format !== 'onnx' && values.opset !== 13) {
      throw new UsageError('export --opset: applies to --format onnx only.');
    }
    await checkNewFile(out, 'export --out');
    await initBackend({ backend: values.backend });
    const model = await loadModel(modelDir);
    const bytes =
      format === 'onnx'
        ? exportOnnx(model, { opsetVersion: values.opset })
        : format === 'pth'
          ? writePth(toStateDict(model))
          : writeSafetensors(toStateDict(model));
    await writeFileAtomic(out, bytes);
    terminal.out(
      `exported ${model.name} from ${modelDir} as ${format}: ${out} (${bytes.byteLength} bytes)\n`,
    );
    return 0;
  },
});
