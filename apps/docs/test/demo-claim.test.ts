// The live demo's page says the residual network's loss falls faster than the plain one's, and
// that the plain network's gradient grows toward the input at initialisation. This runs the
// page's own code (trainSideBySide, the cards' summaries) with the page's default settings on
// the digits the page loads, and checks both.
import { initBackend } from '@residual/backend';
import { loadDigits } from '@residual/datasets';
import type { LayerGradient } from '@residual/metrics';
import { expect, it } from 'vitest';
import { DEMO_DEFAULTS, gradientRatio, lossSummary } from '../src/demo-defaults.js';
import { type Network, trainSideBySide } from '../src/side-by-side.js';

it('with the default settings, the residual network ends with the lower loss and the flatter gradient', async () => {
  await initBackend({ backend: 'wasm' });
  const losses: Record<Network, number[]> = { plain: [], residual: [] };
  const initial: Partial<Record<Network, LayerGradient[]>> = {};
  await trainSideBySide({
    ...DEMO_DEFAULTS,
    data: await loadDigits(),
    onStep: ({ network, loss }) => losses[network].push(loss),
    onGradients: ({ network, step, layers }) => {
      if (step === 0) initial[network] = layers;
    },
  });
  const plain = lossSummary(losses.plain)!;
  const residual = lossSummary(losses.residual)!;
  expect(plain.steps).toBe(DEMO_DEFAULTS.steps);
  expect(residual.steps).toBe(DEMO_DEFAULTS.steps);
  // The cards' "latest" (mean of the last 5 steps): clearly lower for the residual network.
  expect(residual.latest).toBeLessThan(0.85 * plain.latest);
  // Falls faster: a larger drop from its first loss.
  expect(residual.first - residual.latest).toBeGreaterThan(plain.first - plain.latest);
  // At initialisation the plain network's gradient grows toward the input; the residual one's
  // stays within a narrow band.
  expect(gradientRatio(initial.plain)!).toBeGreaterThan(4 * gradientRatio(initial.residual)!);
}, 400_000);
