// Measures, for every registry model with a torchvision or timm counterpart, how closely our
// model with imported weights reproduces the real library's logits: random weights and
// batch-norm statistics from python/torch_reference.py, imported from .pth and .safetensors,
// max |ours − theirs| / max |theirs| at 224, 225 and 199 pixels (batch 2). Writes
// parity/torch.json and prints a Markdown table for the README.
//
//   pnpm --filter @residual/interop parity [model ...]
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import { createModel } from '@residual/models';
import { importWeights } from '../src/import-weights.js';
import { logitsDifference } from '../src/logits-parity.js';
import { readPth } from '../src/read-pth.js';
import { readSafetensors } from '../src/read-safetensors.js';
import { TORCH_MODELS } from '../src/torch-models.js';
import { makeReference, missingPeer, PACKAGE_ROOT } from '../src/torch-peer.js';

const SIZES = [224, 225, 199];
const TOLERANCE = 1e-4;

interface Row {
  model: string;
  library: 'torchvision' | 'timm';
  format: 'pth' | 'safetensors';
  /** Relative max difference by input size. */
  differences: Record<string, number>;
  max: number;
  pass: boolean;
}

async function main(): Promise<void> {
  const backend = await initBackend();
  const requested = process.argv.slice(2);
  const names = requested.length > 0 ? requested : Object.keys(TORCH_MODELS);
  const rows: Row[] = [];
  const out = join(PACKAGE_ROOT, 'parity', 'torch.json');
  // Rewritten after every model, so that a long run that is stopped keeps what it measured.
  const save = () => {
    const result = {
      measure: 'max |ours - theirs| / max |theirs| over a batch of 2 random NCHW images',
      tolerance: TOLERANCE,
      sizes: SIZES,
      backend,
      command: `pnpm --filter @residual/interop parity${requested.length > 0 ? ` ${requested.join(' ')}` : ''}`,
      rows,
    };
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  };
  for (const name of names) {
    const library = TORCH_MODELS[name];
    if (library === undefined) throw new Error(`${name} has no PyTorch counterpart`);
    const missing = missingPeer(library);
    if (missing !== undefined) throw new Error(`cannot measure ${name}: ${missing}`);
    const started = Date.now();
    const reference = makeReference(library, name, { sizes: SIZES });
    try {
      const files = {
        pth: () => readPth(reference.weights.pth, `${name}.pth`),
        safetensors: () => readSafetensors(reference.weights.safetensors, `${name}.safetensors`),
      };
      for (const [format, read] of Object.entries(files) as [Row['format'], typeof files.pth][]) {
        const stateDict = read();
        const differences: Record<string, number> = {};
        for (const size of SIZES) {
          const model = createModel(name, { inputShape: [size, size, 3] });
          importWeights(model, stateDict, { fileName: `${name}.${format}` });
          differences[size] = logitsDifference(
            model,
            reference.tensors.get(`input_${size}`)!,
            reference.tensors.get(`logits_${size}`)!,
          );
          model.dispose();
        }
        const max = Math.max(...Object.values(differences));
        rows.push({ model: name, library, format, differences, max, pass: max <= TOLERANCE });
      }
    } finally {
      reference.remove();
    }
    const last = rows.slice(-2).map((r) => `${r.format} ${r.max.toExponential(2)}`);
    console.error(
      `${name} (${library}): ${last.join(', ')} — ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
    save();
  }
  console.log('| model | library | format | 224 | 225 | 199 |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const row of rows) {
    const cells = SIZES.map((s) => row.differences[s]!.toExponential(1));
    console.log(`| ${row.model} | ${row.library} | ${row.format} | ${cells.join(' | ')} |`);
  }
  // The repository's formatter owns JSON layout (short arrays on one line).
  spawnSync('npx', ['biome', 'format', '--write', out], { stdio: 'ignore' });
  console.error(`wrote ${out}`);
  if (rows.some((row) => !row.pass)) process.exitCode = 1;
}

await main();
