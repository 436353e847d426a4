// pnpm bench: see USAGE in options.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  availableBackends,
  initBackend,
  isResidualError,
  nativeKernelStatus,
} from '@residual/backend';
import * as tf from '@tensorflow/tfjs';
import { type RowSpeeds, rowSpeeds } from './best-pytorch.js';
import {
  backwardForwardTable,
  CONV_SHAPES,
  convFlops,
  DIRECTIONS,
  type KernelResult,
  shapeLabel,
  timeConv,
  timeTorchConv,
} from './kernels.js';
import {
  isSegmentationModel,
  memoryOverSteps,
  modelExists,
  type NetworkCase,
  networkCases,
  timeNetwork,
  timeTorchNetwork,
  trainableParameters,
} from './networks.js';
import { type BenchOptions, parseOptions, USAGE } from './options.js';
import { checkSameNetwork, OURS, type ParameterCounts, parameterLine } from './same-network.js';
import { resultEntry, speedTables } from './speed-tables.js';
import { measureStartup, startupRuns, startupTables } from './startup.js';
import { startPeers, torchRuns } from './torch-peers.js';
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

let parsed: BenchOptions | undefined;
try {
  parsed = parseOptions(process.argv.slice(2));
} catch (error) {
  if (!isResidualError(error)) throw error;
  process.stderr.write(`pnpm bench: ${error.message}\n`);
  process.exit(2);
}
if (parsed === undefined) {
  console.log(USAGE);
  process.exit(0);
}
const options = parsed;

const log = (message: string) => process.stderr.write(`${message}\n`);
const started = new Date();
const loadBefore = loadavg();
const native = await nativeKernelStatus();
const backends = await availableBackends();
const { peers, skipped } = options.torch
  ? startPeers(options.torchPythons)
  : { peers: [], skipped: [] };
for (const { python, reason } of skipped) log(`PyTorch peer ${python} skipped: ${reason}`);
const torchAbsentReason = !options.torch
  ? 'skipped (--no-torch)'
  : peers.length === 0
    ? skipped.map((s) => s.reason).join('; ')
    : undefined;
const torchSummary =
  peers.length > 0
    ? peers.map((p) => `${p.label} (${p.worker.python})`).join(', ')
    : `absent — ${torchAbsentReason}`;

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
    `; PyTorch: ${torchSummary}`,
);

// ---------------------------------------------------------------------------------------------
// Startup: cold imports and `residual train` to its first step, in fresh processes

const startupCounts = startupRuns(options.quick);
const startup = options.startup
  ? await measureStartup(fileURLToPath(new URL('../../', import.meta.url)), startupCounts, log)
  : undefined;

// ---------------------------------------------------------------------------------------------
// Kernels

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
        for (const { peer, layout, threads, key } of torchRuns(
          peers,
          options.layouts,
          options.threads,
        )) {
          const worker = peer.worker;
          record(
            times,
            key,
            await timeTorchConv(worker, shape, direction, layout, threads, options.minTime),
          );
        }
      }
      const gflops = rowSpeeds(times, convFlops(shape) / 1e9, options.threads);
      kernelResults.push({ shape, direction, gflops });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Whole networks

const networkResults: {
  case: NetworkCase;
  images: RowSpeeds;
  trainableParameters: ParameterCounts;
}[] = [];
let memory: Record<string, unknown> | undefined;
if (options.networks) {
  const requested =
    options.models.length > 0
      ? options.models
      : ['cifar_resnet20', 'cifar_resnet56', 'resnet18', 'unet_resnet18'];
  const missing = requested.filter((name) => !modelExists(name));
  if (missing.length > 0) log(`not in the model registry, skipped: ${missing.join(', ')}`);
  const segmentation = requested.filter(isSegmentationModel);
  if (segmentation.length > 0 && options.networkModes.includes('infer-folded')) {
    log(`infer-folded is measured on classifiers only, not on ${segmentation.join(', ')}`);
  }
  const cases = networkCases(requested.filter(modelExists), options.batches, options.networkModes, {
    size: options.segmentationSize,
    batches: options.segmentationBatches,
  });
  for (const [index, c] of cases.entries()) {
    log(
      `networks ${index + 1}/${cases.length}: ${c.model} ${c.mode} batch ${c.batch} at ${c.size}²`,
    );
    const times: Record<string, number[]> = {};
    const counts: ParameterCounts = { [OURS]: trainableParameters(c) };
    const absent = new Set<string>();
    for (let round = 0; round < options.rounds; round++) {
      for (const mode of modes) {
        await activate(mode);
        record(times, mode.label, await timeNetwork(c, options.warmup, options.steps));
      }
      for (const { peer, layout, threads, key } of torchRuns(
        peers,
        options.layouts,
        options.threads,
      )) {
        const { warmup, steps } = options;
        const timing = await timeTorchNetwork(peer.worker, c, layout, threads, warmup, steps);
        if (typeof timing === 'string') {
          if (!absent.has(peer.label)) log(`${peer.label} skipped ${c.model}: ${timing}`);
          absent.add(peer.label);
          continue;
        }
        checkSameNetwork(c.model, counts, peer.label, timing.trainableParameters);
        record(times, key, timing.seconds);
      }
    }
    networkResults.push({
      case: c,
      images: rowSpeeds(times, c.batch, options.threads),
      trainableParameters: counts,
    });
  }

  const memoryCase: NetworkCase = {
    model: 'cifar_resnet20',
    mode: 'train',
    batch: 32,
    size: 32,
    classes: 10,
  };
  if (modelExists(memoryCase.model)) {
    log('memory: 20 training steps of cifar_resnet20, batch 32');
    await activate(modes[0]);
    const before = tf.memory().numTensors;
    const counts = await memoryOverSteps(memoryCase);
    const torchPeaks: Record<string, number> = {};
    for (const peer of peers) {
      torchPeaks[peer.label] = (await peer.worker.request({ kind: 'memory' }))
        .peak_rss_bytes as number;
    }
    memory = {
      backend: modes[0].label,
      liveTensorsBefore: before,
      ...counts,
      liveTensorsAfterDispose: tf.memory().numTensors,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      // The first peer's (Debian's by default), as files before PyTorch peers recorded it.
      torchPeakRssBytes: peers.length > 0 ? torchPeaks[peers[0].label] : undefined,
      torchPeakRssBytesByPeer: torchPeaks,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Transformers

const transformerResults = options.transformers
  ? await measureTransformers({ modes, activate, peers, options, log })
  : [];
for (const peer of peers) peer.worker.close();

// ---------------------------------------------------------------------------------------------
// Report

const loadAfter = loadavg();
if (startup !== undefined) console.log(startupTables(startup, startupCounts));
if (kernelResults.length > 0) {
  const title = 'Convolution kernels, GFLOP/s (median; forward, input gradient, filter gradient)';
  const rows = kernelResults.map((r) => ({
    cells: [`${r.shape.network} ${shapeLabel(r.shape)}`, r.direction],
    row: r.gflops,
  }));
  console.log(speedTables(title, ['shape', 'direction'], rows, options.threads));
  console.log('\nBackward / forward GFLOP/s on wasm (target: each at least 0.5)\n');
  console.log(backwardForwardTable(kernelResults));
}
if (networkResults.length > 0) {
  const rows = networkResults.map((r) => ({
    cells: [`${r.case.model} ${r.case.size}²`, r.case.mode, String(r.case.batch)],
    row: r.images,
  }));
  const title = 'Whole networks, images per second (median)';
  console.log(speedTables(title, ['network', 'mode', 'batch'], rows, options.threads));
  // One line per network and size: every mode and batch builds the same weights.
  const counted = new Map(
    networkResults.map((r) => [`${r.case.model} ${r.case.size}²`, r.trainableParameters]),
  );
  console.log("\nTrainable parameters, ours and each PyTorch peer's (checked equal)\n");
  for (const [row, counts] of counted) console.log(parameterLine(row, counts));
}
if (transformerResults.length > 0) {
  const rows = transformerResults.map((r) => ({
    cells: [r.case.model, r.case.mode, String(r.case.batch), String(r.case.context)],
    row: r.tokens,
  }));
  const title =
    'Character GPT, tokens per second (median; generation recomputes the full context per token)';
  const head = ['network', 'mode', 'batch', 'context'];
  console.log(speedTables(title, head, rows, options.threads));
}
if (memory !== undefined) {
  const mb = (bytes: unknown) =>
    typeof bytes === 'number' ? `${(bytes / 2 ** 20).toFixed(0)} MiB` : '–';
  const torchPeaks = Object.entries(memory.torchPeakRssBytesByPeer as Record<string, number>);
  console.log(
    `\nMemory (${memory.backend}, cifar_resnet20 batch 32): live tensors ${memory.liveTensorsBefore} ` +
      `before, ${memory.tensorsAfterFirstStep} after step 1, ${memory.tensorsAfterLastStep} after ` +
      `step ${memory.steps}, ${memory.liveTensorsAfterDispose} after disposing; peak RSS ` +
      `${mb(memory.peakRssBytes)} (this process, whole run)` +
      torchPeaks.map(([label, bytes]) => `, ${label} ${mb(bytes)}`).join('') +
      '.',
  );
}
console.log(
  `\n${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length} logical CPUs, Node.js ` +
    `${process.versions.node}, tfjs ${tf.version.tfjs}; native: ` +
    (native.available ? `${native.isa}` : `unavailable (${native.reason})`) +
    `; PyTorch: ${peers.length > 0 ? torchSummary : `${torchSummary}; ours alone`}. ` +
    `Load average ${loadBefore[0].toFixed(1)} at the start, ${loadAfter[0].toFixed(1)} at the end.`,
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
    // The first peer's version (Debian's by default), as files before PyTorch peers had it.
    torch: peers[0]?.worker.version ?? null,
    torchPeers: peers.map((p) => ({
      label: p.label,
      version: p.worker.version,
      python: p.worker.python,
    })),
    torchSkipped: skipped,
    torchAbsentReason: torchAbsentReason ?? null,
  },
  options,
  startup: startup && { runs: startupCounts, ...startup },
  kernels: kernelResults.map((r) => ({
    network: r.shape.network,
    shape: r.shape,
    direction: r.direction,
    ...resultEntry('gflops', r.gflops, options.threads),
  })),
  networks: networkResults.map((r) => ({
    case: r.case,
    trainableParameters: r.trainableParameters,
    ...resultEntry('imagesPerSecond', r.images, options.threads),
  })),
  transformers: transformerResults.map((r) => ({
    case: r.case,
    ...resultEntry('tokensPerSecond', r.tokens, options.threads),
  })),
  memory,
};
const dir = fileURLToPath(new URL('../results/', import.meta.url));
mkdirSync(dir, { recursive: true });
const file = `${dir}${options.name}.json`;
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nWrote ${file}`);
