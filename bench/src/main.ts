// pnpm bench: see USAGE in options.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { availableBackends, initBackend, nativeKernelStatus } from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import {
  CONV_SHAPES,
  type ConvShape,
  convFlops,
  DIRECTIONS,
  type Direction,
  shapeLabel,
  timeConv,
  timeTorchConv,
} from './kernels.js';
import {
  memoryOverSteps,
  modelExists,
  type NetworkCase,
  timeNetwork,
  timeTorchNetwork,
} from './networks.js';
import { parseOptions, USAGE } from './options.js';
import { fixed, formatTable } from './table.js';
import { median } from './timing.js';
import { TorchWorker } from './torch.js';
import { measureTransformers } from './transformers.js';

/** Appends a measurement to the list under `label`. */
function record(times: Record<string, number[]>, label: string, value: number): void {
  times[label] = [...(times[label] ?? []), value];
}

interface Mode {
  label: string;
  backend: string;
  native: boolean;
  threads: number;
}

const options = parseOptions(process.argv.slice(2));
if (options === undefined) {
  console.log(USAGE);
  process.exit(0);
}

const log = (message: string) => process.stderr.write(`${message}\n`);
const started = new Date();
const loadBefore = loadavg();
const native = await nativeKernelStatus();
const backends = await availableBackends();
const torchOrReason = options.torch ? TorchWorker.start() : 'skipped (--no-torch)';
const torch = typeof torchOrReason === 'string' ? undefined : torchOrReason;
const torchVersion =
  torch === undefined ? undefined : ((await torch.request({ kind: 'hello' })).torch as string);

const modes: Mode[] = [];
if (native.available) {
  for (const threads of options.threads) {
    modes.push({ label: `native×${threads}`, backend: 'wasm', native: true, threads });
  }
}
modes.push({ label: 'wasm', backend: 'wasm', native: false, threads: 1 });
if (backends.includes('tensorflow')) {
  modes.push({ label: 'tfjs-node', backend: 'tensorflow', native: false, threads: 0 });
}
const kernelModes = [...modes, { label: 'cpu', backend: 'cpu', native: false, threads: 1 }];

async function activate(mode: Mode): Promise<void> {
  await initBackend({
    backend: mode.backend,
    native: mode.native,
    ...(mode.native ? { threads: mode.threads } : {}),
  });
}

log(
  `pnpm bench "${options.name}": ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ` +
    `load ${loadBefore.map((l) => l.toFixed(1)).join(' ')}; native kernels: ` +
    (native.available ? `${native.isa}` : `unavailable (${native.reason})`) +
    `; PyTorch: ${torchVersion ?? `absent — ${torchOrReason}`}`,
);

// ---------------------------------------------------------------------------------------------
// Kernels

interface KernelResult {
  shape: ConvShape;
  direction: Direction;
  gflops: Record<string, number>;
}
const kernelResults: KernelResult[] = [];
if (options.kernels) {
  const shapes = options.quick ? CONV_SHAPES.slice(0, 2) : CONV_SHAPES;
  for (const [index, shape] of shapes.entries()) {
    log(`kernels ${index + 1}/${shapes.length}: ${shape.network} ${shapeLabel(shape)}`);
    for (const direction of DIRECTIONS) {
      const times: Record<string, number[]> = {};
      for (let round = 0; round < options.rounds; round++) {
        for (const mode of kernelModes) {
          // The JavaScript cpu kernels would take minutes on ResNet-50's shapes.
          if (mode.backend === 'cpu' && shape.batch * shape.size ** 2 > 32 * 32 * 32) continue;
          await activate(mode);
          record(times, mode.label, timeConv(shape, direction, options.minTime));
        }
        for (const threads of torch === undefined ? [] : options.threads) {
          if (torch === undefined) break;
          const seconds = await timeTorchConv(torch, shape, direction, threads, options.minTime);
          record(times, `PyTorch×${threads}`, seconds);
        }
      }
      const gflops = Object.fromEntries(
        Object.entries(times).map(([label, t]) => [label, convFlops(shape) / median(t) / 1e9]),
      );
      kernelResults.push({ shape, direction, gflops });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Whole networks

interface NetworkResult {
  case: NetworkCase;
  imagesPerSecond: Record<string, number>;
}
const networkResults: NetworkResult[] = [];
let memory: Record<string, unknown> | undefined;
if (options.networks) {
  const requested =
    options.models.length > 0 ? options.models : ['cifar_resnet20', 'cifar_resnet56', 'resnet18'];
  const missing = requested.filter((name) => !modelExists(name));
  if (missing.length > 0) log(`not in the model registry, skipped: ${missing.join(', ')}`);
  const cases: NetworkCase[] = [];
  for (const model of requested.filter(modelExists)) {
    const imagenet = !model.startsWith('cifar_');
    for (const batch of imagenet ? [16] : options.batches) {
      for (const mode of ['train', 'infer', 'infer-folded'] as const) {
        cases.push({ model, mode, batch, size: imagenet ? 224 : 32 });
      }
    }
  }
  for (const [index, c] of cases.entries()) {
    log(
      `networks ${index + 1}/${cases.length}: ${c.model} ${c.mode} batch ${c.batch} at ${c.size}²`,
    );
    const times: Record<string, number[]> = {};
    for (let round = 0; round < options.rounds; round++) {
      for (const mode of modes) {
        await activate(mode);
        record(times, mode.label, timeNetwork(c, options.warmup, options.steps));
      }
      for (const threads of torch === undefined ? [] : options.threads) {
        if (torch === undefined) break;
        const seconds = await timeTorchNetwork(torch, c, threads, options.warmup, options.steps);
        if (seconds !== undefined) record(times, `PyTorch×${threads}`, seconds);
      }
    }
    const imagesPerSecond = Object.fromEntries(
      Object.entries(times).map(([label, t]) => [label, c.batch / median(t)]),
    );
    networkResults.push({ case: c, imagesPerSecond });
  }

  const memoryCase: NetworkCase = { model: 'cifar_resnet20', mode: 'train', batch: 32, size: 32 };
  if (modelExists(memoryCase.model)) {
    log('memory: 20 training steps of cifar_resnet20, batch 32');
    await activate(modes[0]);
    const before = tf.memory().numTensors;
    const counts = memoryOverSteps(memoryCase);
    memory = {
      backend: modes[0].label,
      liveTensorsBefore: before,
      ...counts,
      liveTensorsAfterDispose: tf.memory().numTensors,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      torchPeakRssBytes:
        torch === undefined ? undefined : (await torch.request({ kind: 'memory' })).peak_rss_bytes,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Transformers

const transformerResults = options.transformers
  ? await measureTransformers({ modes, activate, torch, options, log })
  : [];
torch?.close();

// ---------------------------------------------------------------------------------------------
// Report

/** Ours over PyTorch at each thread count both ran (wasm over PyTorch×1 without native kernels). */
function ratioColumns(labels: string[], threads: readonly number[]): [string, string][] {
  const ratios = threads
    .filter((t) => labels.includes(`native×${t}`) && labels.includes(`PyTorch×${t}`))
    .map((t): [string, string] => [`native×${t}`, `PyTorch×${t}`]);
  if (!labels.some((l) => l.startsWith('native')) && labels.includes('PyTorch×1')) {
    ratios.push(['wasm', 'PyTorch×1']);
  }
  return ratios;
}

const loadAfter = loadavg();
const columns = [...new Set(kernelResults.flatMap((r) => Object.keys(r.gflops)))];
if (kernelResults.length > 0) {
  console.log(
    '\nConvolution kernels, GFLOP/s (median; forward, input gradient, filter gradient)\n',
  );
  console.log(
    formatTable(
      ['shape', 'direction', ...columns],
      kernelResults.map((r) => [
        `${r.shape.network} ${shapeLabel(r.shape)}`,
        r.direction,
        ...columns.map((c) => fixed(r.gflops[c])),
      ]),
    ),
  );
  console.log('\nBackward / forward GFLOP/s on wasm (target: each at least 0.5)\n');
  const wasmModes = columns.filter((c) => c === 'wasm' || c.startsWith('native'));
  const rows: string[][] = [];
  for (let i = 0; i + 2 < kernelResults.length; i += 3) {
    const [forward, input, filter] = kernelResults.slice(i, i + 3);
    rows.push([
      `${forward.shape.network} ${shapeLabel(forward.shape)}`,
      ...wasmModes.flatMap((m) => [
        fixed(input.gflops[m] / forward.gflops[m], 2),
        fixed(filter.gflops[m] / forward.gflops[m], 2),
      ]),
    ]);
  }
  console.log(
    formatTable(['shape', ...wasmModes.flatMap((m) => [`${m} input`, `${m} filter`])], rows),
  );
}
if (networkResults.length > 0) {
  const labels = [...new Set(networkResults.flatMap((r) => Object.keys(r.imagesPerSecond)))];
  const ratios = ratioColumns(labels, options.threads);
  console.log('\nWhole networks, images per second (median)\n');
  console.log(
    formatTable(
      ['network', 'mode', 'batch', ...labels, ...ratios.map(([a, b]) => `${a}/${b}`)],
      networkResults.map((r) => [
        `${r.case.model} ${r.case.size}²`,
        r.case.mode,
        String(r.case.batch),
        ...labels.map((l) => fixed(r.imagesPerSecond[l])),
        ...ratios.map(([a, b]) => fixed(r.imagesPerSecond[a] / r.imagesPerSecond[b], 2)),
      ]),
    ),
  );
}
if (transformerResults.length > 0) {
  const labels = [...new Set(transformerResults.flatMap((r) => Object.keys(r.tokensPerSecond)))];
  const ratios = ratioColumns(labels, options.threads);
  console.log(
    '\nCharacter GPT, tokens per second (median; generation recomputes the full context per token)\n',
  );
  console.log(
    formatTable(
      ['network', 'mode', 'batch', 'context', ...labels, ...ratios.map(([a, b]) => `${a}/${b}`)],
      transformerResults.map((r) => [
        r.case.model,
        r.case.mode,
        String(r.case.batch),
        String(r.case.context),
        ...labels.map((l) => fixed(r.tokensPerSecond[l])),
        ...ratios.map(([a, b]) => fixed(r.tokensPerSecond[a] / r.tokensPerSecond[b], 2)),
      ]),
    ),
  );
}
if (memory !== undefined) {
  const mb = (bytes: unknown) =>
    typeof bytes === 'number' ? `${(bytes / 2 ** 20).toFixed(0)} MiB` : '–';
  console.log(
    `\nMemory (${memory.backend}, cifar_resnet20 batch 32): live tensors ${memory.liveTensorsBefore} ` +
      `before, ${memory.tensorsAfterFirstStep} after step 1, ${memory.tensorsAfterLastStep} after ` +
      `step ${memory.steps}, ${memory.liveTensorsAfterDispose} after disposing; peak RSS ` +
      `${mb(memory.peakRssBytes)} (this process, whole run), PyTorch ${mb(memory.torchPeakRssBytes)}.`,
  );
}
console.log(
  `\n${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length} logical CPUs, Node.js ` +
    `${process.versions.node}, tfjs ${tf.version.tfjs}; native: ` +
    (native.available ? `${native.isa}` : `unavailable (${native.reason})`) +
    `; PyTorch: ${torchVersion ?? `absent — ${torchOrReason}; ours alone`}. Load average ` +
    `${loadBefore[0].toFixed(1)} at the start, ${loadAfter[0].toFixed(1)} at the end.`,
);

const results = {
  name: options.name,
  started: started.toISOString(),
  finished: new Date().toISOString(),
  machine: {
    cpu: cpus()[0]?.model,
    logicalCpus: cpus().length,
    loadAverageStart: loadBefore,
    loadAverageEnd: loadAfter,
    node: process.versions.node,
    tfjs: tf.version.tfjs,
    native,
    torch: torchVersion ?? null,
    torchAbsentReason: torch === undefined ? torchOrReason : null,
  },
  options,
  kernels: kernelResults.map((r) => ({
    network: r.shape.network,
    shape: r.shape,
    direction: r.direction,
    gflops: r.gflops,
  })),
  networks: networkResults,
  transformers: transformerResults.map((r) => ({
    ...r,
    ratios: Object.fromEntries(
      ratioColumns(Object.keys(r.tokensPerSecond), options.threads).map(([a, b]) => [
        `${a}/${b}`,
        r.tokensPerSecond[a] / r.tokensPerSecond[b],
      ]),
    ),
  })),
  memory,
};
const dir = fileURLToPath(new URL('../results/', import.meta.url));
mkdirSync(dir, { recursive: true });
const file = `${dir}${options.name}.json`;
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nWrote ${file}`);
