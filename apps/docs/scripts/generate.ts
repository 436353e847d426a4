import { generateApiReference } from './api-reference.js';
import { generateBenchmarks } from './benchmarks.js';
import { generateCliReference } from './cli-reference.js';
import { generateModelCatalogue } from './model-catalogue.js';
import { FRAGMENTS_DIR } from './paths.js';
import { copyWasmBinaries, writeDigits, writeExcerpt } from './static-assets.js';
import { resetDir } from './write-file.js';

/**
 * Writes every generated part of the site from the code itself: the API reference, the model
 * catalogue, the CLI reference, the benchmark tables, and the files the demos load. Run by
 * `pnpm --filter docs build` (and `dev`) before VitePress.
 */
async function main(): Promise<void> {
  const started = performance.now();
  await resetDir(FRAGMENTS_DIR);
  const step = async <T>(label: string, work: () => Promise<T>, report: (result: T) => string) => {
    const t0 = performance.now();
    const result = await work();
    console.log(
      `docs: ${label}: ${report(result)} (${((performance.now() - t0) / 1000).toFixed(1)}s)`,
    );
  };
  await step('model catalogue', generateModelCatalogue, (e) => `${e.length} models`);
  await step('CLI reference', generateCliReference, () => 'written');
  await step('benchmarks', generateBenchmarks, (n) => `${n} results files`);
  await step('wasm binaries', copyWasmBinaries, (names) => names.join(', '));
  await step('digits', writeDigits, (bytes) => `${(bytes / 1e6).toFixed(2)} MB`);
  await step('text excerpt', writeExcerpt, (characters) => `${characters} characters`);
  await step('API reference', generateApiReference, () => 'written');
  console.log(`docs: generated in ${((performance.now() - started) / 1000).toFixed(1)}s`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
