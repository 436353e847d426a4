// Every model family trains on tfjs's webgl backend, where most users' browsers have a GPU, with
// the cpu backend's gradients: headless Chromium (WebGL 2 through its software renderer where
// there is no GPU) against Node.js. Skipped with its reason where no Chromium is installed,
// except under RESIDUAL_REQUIRE_BROWSER=1 (.ci/run). All registered models, with their speed:
// `pnpm --filter @residual/models webgl-gradients` (scripts/webgl-gradients.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import { chromiumSkipReason, launchChromium } from '@residual/vitest-config/chromium';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildParityPage, webglParity } from './webgl-gradient-parity.js';

const skip = chromiumSkipReason();

/** Highest max|webgl − cpu| / max|cpu| of any weight's gradient: float32 round-off, not a bug. */
const TOLERANCE = 1e-3;

/**
 * Models whose builders, between them, run every layer kind of the registry, chosen for what fits
 * CI's time (about 10 s for a CIFAR or GPT entry, over a minute for an ImageNet layout at
 * 64×64 on two cores): the CIFAR builder (option-A shortcuts, batch norm, global pooling), the GPT builder
 * (embeddings, causal attention, layer norm, GELU) and the ImageNet ResNet builder (stem, max pool,
 * projection shortcuts), on which the segmentation networks build (unet_resnet18 alone takes
 * two minutes). Every registered model: scripts/webgl-gradients.ts.
 */
const REPRESENTATIVES = ['cifar_resnet8', 'wrn16_4', 'gpt_char_micro', 'resnet18'];

/**
 * Where tfjs's cpu backend is the odd one out: at batch 2 its resnet18 gradients differ from
 * webgl's by 7e-2 (stage1_block2_1_conv/kernel and everything before it), while webgl and wasm
 * agree to 2e-5, and cpu agrees with wasm at batch 1 (7e-5). The kernels of one BasicBlock
 * (conv 'same'/'valid'/stride 2, pad, max pool, batch norm) agree on their own at batch 2, so
 * the faulty cpu kernel is not yet found. Held as known: this fails, and says so, once fixed.
 */
const CPU_REFERENCE_DISAGREES = new Set(['resnet18']);

let browser: Awaited<ReturnType<typeof launchChromium>>;
let dir: string;
let htmlPath: string;

describe.skipIf(skip !== undefined)('registered models on webgl in headless Chromium', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
    dir = mkdtempSync(join(tmpdir(), 'residual-webgl-gradients-'));
    htmlPath = await buildParityPage(dir);
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it.each(REPRESENTATIVES)(
    "%s has the cpu backend's gradients and trains",
    async (name) => {
      const result = await webglParity(browser, htmlPath, name, 1);
      console.log(
        `${name}: max relative gradient error ${result.maxRelativeError.toExponential(2)} ` +
          `(${result.worstWeight}), webgl ${result.webglStepSeconds.toFixed(2)} s/step`,
      );
      if (CPU_REFERENCE_DISAGREES.has(name)) {
        expect(
          result.maxRelativeError,
          'the cpu reference now agrees: drop the exception',
        ).toBeGreaterThan(TOLERANCE);
      } else {
        expect(result.maxRelativeError, result.worstWeight).toBeLessThanOrEqual(TOLERANCE);
      }
      expect(result.webglLosses.every(Number.isFinite)).toBe(true);
      expect(result.firstWeightChanged).toBe(true);
    },
    300_000,
  );
});
