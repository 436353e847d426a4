// Every registered model on tfjs's webgl backend in headless Chromium (WebGL 2 through its
// software renderer where there is no GPU): its gradients against the cpu backend's in Node.js,
// and its training speed on each. Writes bench/results/webgl-gradients.json (one entry per
// model, rewritten after each, so a long run leaves what it finished; naming models re-runs
// those and keeps the file's other entries).
//   pnpm --filter @residual/models webgl-gradients [model ...]
// webgl-gradients.test.ts checks one model per builder in CI; this checks them all.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@residual/backend';
import { launchChromium } from '@residual/vitest-config/chromium';
import { listModels } from '../src/index.js';
import {
  buildParityPage,
  type WebglParityResult,
  webglParity,
} from '../src/webgl-gradient-parity.js';

/** The tolerance of webgl-gradients.test.ts: max|webgl − cpu| / max|cpu| per weight. */
const TOLERANCE = 1e-3;
/** Timed SGD steps per backend, after one untimed warm-up step. */
const TIMED_STEPS = 2;

const known = listModels().map((entry) => entry.name);
const requested = process.argv.slice(2);
for (const name of requested) {
  if (!known.includes(name)) {
    console.error(`webgl-gradients: unknown model "${name}". Known: ${known.join(', ')}.`);
    process.exit(2);
  }
}
const models = requested.length > 0 ? requested : known;
const outPath = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'bench',
  'results',
  'webgl-gradients.json',
);

/** The verdict, with the sensitivity that explains an ill-conditioned one. */
function verdictText(result: WebglParityResult): string {
  if (result.verdict === 'matches') return 'matches';
  const moved = `cpu moves ${result.cpuSensitivity?.toExponential(2) ?? '(not measurable)'} under 1e-6 input noise`;
  return `${result.verdict === 'ill-conditioned' ? 'ILL-CONDITIONED' : 'MISMATCH'}, ${moved}`;
}

await initBackend({ backend: 'cpu' });
const dir = mkdtempSync(join(tmpdir(), 'residual-webgl-gradients-'));
const browser = await launchChromium();
type Entry = WebglParityResult | { model: string; failed: string };
// A run of some models keeps the others' entries of an earlier run, in registry order.
const results: Entry[] = existsSync(outPath)
  ? (JSON.parse(readFileSync(outPath, 'utf8')).results as Entry[]).filter(
      (entry) => !models.includes(entry.model),
    )
  : [];
try {
  const htmlPath = await buildParityPage(dir);
  for (const [i, name] of models.entries()) {
    const start = performance.now();
    try {
      const result = await webglParity(browser, htmlPath, name, TIMED_STEPS, TOLERANCE);
      results.push(result);
      results.sort((a, b) => known.indexOf(a.model) - known.indexOf(b.model));
      console.log(
        `[${i + 1}/${models.length}] ${name}: max relative error ` +
          `${result.maxRelativeError.toExponential(2)} (${result.worstWeight}): ${verdictText(result)}, ` +
          `webgl ${result.webglStepSeconds.toFixed(2)} s/step, cpu ${result.cpuStepSeconds.toFixed(2)} s/step ` +
          `(${((performance.now() - start) / 1000).toFixed(0)} s)`,
      );
    } catch (error) {
      const failed = String(error instanceof Error ? error.message : error).split('\n')[0]!;
      results.push({ model: name, failed });
      results.sort((a, b) => known.indexOf(a.model) - known.indexOf(b.model));
      console.log(`[${i + 1}/${models.length}] ${name}: FAILED ${failed}`);
    }
    mkdirSync(join(outPath, '..'), { recursive: true });
    writeFileSync(
      outPath,
      `${JSON.stringify(
        {
          description:
            'Gradients of sum(outputs × fixed random tensor), training mode, batch 2, on tfjs webgl ' +
            '(headless Chromium) vs cpu (Node.js): maxRelativeError = max over weights of ' +
            "max|webgl − cpu| / max|cpu| (the max|cpu| of its layer where the weight's own gradient is " +
            'round-off, below 1e-6 of it); cpuSensitivity (where some weight exceeds the tolerance): ' +
            "the same measure between cpu's gradients at the input and at the input plus normal " +
            'noise of standard deviation 1e-6 (largest over the weights and 3 seeds); verdict: ' +
            'matches (every weight within the tolerance), ill-conditioned (cpuSensitivity beyond ' +
            'the tolerance and maxRelativeError within twice it), mismatch (neither); step ' +
            'seconds: one SGD step, median of ' +
            `${TIMED_STEPS} after a warm-up.`,
          tolerance: TOLERANCE,
          renderer:
            'headless Chromium (Debian), software WebGL 2 (SwiftShader), 2 shared CPU cores',
          date: new Date().toISOString(),
          results,
        },
        null,
        2,
      )}\n`,
    );
  }
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(`Wrote ${outPath}`);
