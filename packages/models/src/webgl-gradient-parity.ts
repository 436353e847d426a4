// Node.js side of the webgl parity check (gradient-parity.ts): a registered model's gradients
// on tfjs's `webgl` backend in headless Chromium, against the same computation on the `cpu`
// backend here, plus a few training steps on each, timed. Used by webgl-gradients.test.ts
// (a few models) and scripts/webgl-gradients.ts (all of them). Test support: not exported.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type launchChromium, PAGE_LOAD_TIMEOUT_MS } from '@residual/vitest-config/chromium';
import { build } from 'tsup';
import {
  gradientScales,
  gradientSensitivity,
  maxRelativeError,
  type ParityVerdict,
  parityCase,
  parityGradients,
  parityTrainSteps,
  parityVerdict,
} from './gradient-parity.js';

type Browser = Awaited<ReturnType<typeof launchChromium>>;

export interface WebglParityResult {
  model: string;
  /** Trainable weight tensors compared. */
  weights: number;
  /**
   * The largest, over the weights, of max|webgl − cpu| / max|cpu| (see maxRelativeError; the
   * scale of a gradient that vanishes in exact arithmetic is its layer's, see gradientScales).
   */
  maxRelativeError: number;
  /** The weight that error belongs to. */
  worstWeight: string;
  /**
   * Where some weight's error exceeds the tolerance: how far cpu's own gradients move when the
   * input moves by round-off (see gradientSensitivity; the same measure as maxRelativeError);
   * null where every weight is within the tolerance, or the input is token ids.
   */
  cpuSensitivity: number | null;
  verdict: ParityVerdict;
  /** First gradient computation on webgl: shader compilation included. */
  webglFirstGradientSeconds: number;
  /** Median seconds of the timed SGD steps on webgl (after one untimed warm-up step). */
  webglStepSeconds: number;
  /** Median seconds of the same steps on the cpu backend in Node.js. */
  cpuStepSeconds: number;
  /** The webgl steps' losses, the warm-up step's first. */
  webglLosses: number[];
  /** Whether the warm-up step changed the first trainable weight (the one furthest from the loss). */
  firstWeightChanged: boolean;
}

/** On webgl: the parity computation for one model at a time, driven from Node.js. */
const PAGE_SCRIPT = (source: string) => `
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@residual/backend';
import { parityCase, parityGradients, parityTrainSteps } from '${source}';
let current;
let gradients = [];
window.parity = {
  ready: initBackend({ backend: 'webgl' }),
  gradients(name) {
    current = parityCase(name);
    const start = performance.now();
    const result = parityGradients(current.model, current.input);
    gradients = result.gradients;
    return { names: result.names, seconds: (performance.now() - start) / 1000 };
  },
  // Base64: page.evaluate's JSON would spell every float out.
  gradient(i) {
    const data = gradients[i];
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    let text = '';
    for (let at = 0; at < bytes.length; at += 0x8000) {
      text += String.fromCharCode.apply(null, bytes.subarray(at, at + 0x8000));
    }
    return btoa(text);
  },
  train(steps) {
    gradients = [];
    const first = current.model.trainableWeights[0].read();
    const before = first.dataSync().slice();
    const result = parityTrainSteps(current.model, current.input, steps);
    const after = first.dataSync();
    const changed = after.some((v, i) => v !== before[i]);
    current.model.dispose();
    current.input.dispose();
    return { ...result, changed, backend: tf.getBackend() };
  },
};
`;

/**
 * Bundles the page (tfjs, @residual/backend and @residual/models' parity computation) into
 * `dir`/index.html and returns its path.
 */
export async function buildParityPage(dir: string): Promise<string> {
  writeFileSync(
    join(dir, 'page.ts'),
    PAGE_SCRIPT(join(import.meta.dirname, 'gradient-parity.ts').replaceAll('\\', '/')),
  );
  await build({
    entry: { page: join(dir, 'page.ts') },
    outDir: dir,
    format: ['iife'],
    platform: 'browser',
    config: false,
    dts: false,
    silent: true,
    noExternal: [/.*/],
    // Node.js-only code of tfjs-core and @residual/backend (its native addon), never run here.
    external: ['worker_threads', 'util', 'crypto', 'fs', 'path', 'os', 'module', 'url'],
    esbuildOptions(options) {
      // The page lives in a temporary folder: packages resolve from this package.
      options.nodePaths = [join(import.meta.dirname, '..', 'node_modules')];
    },
  });
  const htmlPath = join(dir, 'index.html');
  writeFileSync(
    htmlPath,
    `<!doctype html><body><script>${readFileSync(join(dir, 'page.global.js'), 'utf8')}</script></body>`,
  );
  return htmlPath;
}

/** Decodes the page's base64 float32 bytes. */
function floats(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

/**
 * Runs model `name`'s parity check: gradients on webgl (in a fresh page of `browser` opened on
 * `htmlPath`) against the active tfjs backend here (the caller initialises `cpu`), judged by
 * `tolerance` (see ParityVerdict), then one warm-up and `timedSteps` timed SGD steps on each.
 * Leaves no tensors behind here.
 */
export async function webglParity(
  browser: Browser,
  htmlPath: string,
  name: string,
  timedSteps: number,
  tolerance: number,
): Promise<WebglParityResult> {
  const reference = parityCase(name);
  const expected = parityGradients(reference.model, reference.input).gradients;
  const page = await browser.newPage();
  // tfjs explains a shader that fails to compile on the console only: kept for the error, with
  // the page script's own errors.
  const consoleErrors: string[] = [];
  page.on('console', (message) => consoleErrors.push(message.text()));
  page.on('pageerror', (error) => consoleErrors.push(String(error.stack ?? error)));
  try {
    await page.goto(`file://${htmlPath}`, { timeout: PAGE_LOAD_TIMEOUT_MS });
    const backend = await page.evaluate('window.parity.ready');
    if (backend !== 'webgl') throw new Error(`${name}: the page runs on "${backend}", not webgl.`);
    const { names, seconds } = (await page.evaluate(
      (model) => (window as never as ParityWindow).parity.gradients(model),
      name,
    )) as { names: string[]; seconds: number };
    const scales = gradientScales(names, expected);
    const errors: number[] = [];
    for (const i of names.keys()) {
      const actual = floats(
        await page.evaluate((index) => (window as never as ParityWindow).parity.gradient(index), i),
      );
      errors.push(maxRelativeError(actual, expected[i]!, scales[i]!));
    }
    // NaN (an infinite error) counts as the worst.
    const worst = errors.reduce((w, error, i) => (!(error <= errors[w]!) ? i : w), 0);
    const maxError = errors[worst]!;
    // Measured only where it could change the verdict: it costs three more gradients.
    const cpuSensitivity =
      maxError <= tolerance
        ? null
        : gradientSensitivity(reference.model, reference.input, expected, scales);
    const webgl = (await page.evaluate(
      (steps) => (window as never as ParityWindow).parity.train(steps),
      1 + timedSteps,
    )) as { losses: number[]; seconds: number[]; changed: boolean };
    const cpu = parityTrainSteps(reference.model, reference.input, 1 + timedSteps);
    return {
      model: name,
      weights: names.length,
      maxRelativeError: maxError,
      worstWeight: names[worst]!,
      cpuSensitivity,
      verdict: parityVerdict(maxError, cpuSensitivity, tolerance),
      webglFirstGradientSeconds: seconds,
      webglStepSeconds: median(webgl.seconds.slice(1)),
      cpuStepSeconds: median(cpu.seconds.slice(1)),
      webglLosses: webgl.losses,
      firstWeightChanged: webgl.changed,
    };
  } catch (error) {
    if (consoleErrors.length === 0) throw error;
    throw new Error(`${name}: ${error}\nThe page's console:\n${consoleErrors.join('\n')}`, {
      cause: error,
    });
  } finally {
    await page.close();
    reference.model.dispose();
    reference.input.dispose();
  }
}

/** What the page puts on `window`. */
interface ParityWindow {
  parity: {
    gradients(model: string): { names: string[]; seconds: number };
    gradient(index: number): string;
    train(steps: number): { losses: number[]; seconds: number[]; changed: boolean };
  };
}
