// Images per second of cifar_resnet20 training (batch 32, 32×32×3) on the wasm backend: in
// headless Chromium cross-origin isolated (threaded WASM) and not (one thread), and in Node
// without and with @residual/backend-native. A measurement, not a test: run it on a quiet
// machine with `pnpm --filter docs bench:training-speed`; it writes bench/results/ and prints
// a table.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { launchChromium } from '../../test/chromium.js';
import { serveSite } from '../../test/static-server.js';
import { DOCS_ROOT } from '../paths.js';
import { copyWasmBinariesTo } from '../static-assets.js';
import type { TrainingSpeed } from './measure.js';

const RESULTS = join(DOCS_ROOT, '..', '..', 'bench', 'results');

interface Run extends TrainingSpeed {
  where: string;
}

async function main(): Promise<void> {
  const site = await bundlePage();
  const runs: Run[] = [];
  try {
    const cores = availableParallelism();
    runs.push({ where: 'Chromium, not isolated', ...(await inChromium(site, false)) });
    runs.push({ where: 'Chromium, cross-origin isolated', ...(await inChromium(site, true)) });
    // tfjs runs hardwareConcurrency / 2 threads: on a 2-core machine, one. Reporting twice the
    // cores gives it one thread per core, as a browser on a machine with hyper-threads would.
    runs.push({
      where: `Chromium, cross-origin isolated, hardwareConcurrency reported as ${2 * cores}`,
      ...(await inChromium(site, true, 2 * cores)),
    });
  } finally {
    await rm(site, { recursive: true, force: true });
  }
  for (const native of [false, true]) {
    runs.push({
      where: native ? 'Node, native addon' : 'Node, RESIDUAL_NATIVE=0',
      ...(await inNode(native)),
    });
  }
  const file = join(RESULTS, `wasm-threads-${new Date().toISOString().slice(0, 10)}.json`);
  await mkdir(RESULTS, { recursive: true });
  // The load average says how far other work on the machine shared the cores with this run.
  const machine = {
    cpus: availableParallelism(),
    model: cpus()[0]?.model ?? 'unknown',
    loadAverageAfter: loadavg(),
  };
  await writeFile(file, `${JSON.stringify({ model: 'cifar_resnet20', machine, runs }, null, 2)}\n`);
  console.log(`load average after: ${machine.loadAverageAfter.map((x) => x.toFixed(2)).join(' ')}`);
  console.log('| where | wasm threads | images/s |\n| --- | --- | --- |');
  for (const run of runs) {
    console.log(`| ${run.where} | ${run.wasmThreads} | ${run.imagesPerSecond.toFixed(1)} |`);
  }
  console.log(`written: ${file}`);
}

/** A folder with the page, its bundled script and tfjs's WASM binaries. */
async function bundlePage(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'training-speed-'));
  await build({
    entryPoints: [join(DOCS_ROOT, 'scripts', 'training-speed', 'browser-entry.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    outfile: join(dir, 'bench.js'),
    // Our packages import Node.js modules inside Node-only functions the page never calls.
    external: ['node:*', 'fs', 'path', 'os', 'url', 'module', 'zlib', 'worker_threads', 'crypto'],
    logLevel: 'error',
  });
  await writeFile(
    join(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><script type="module" src="/bench.js"></script>\n',
  );
  // The static server answers what is missing (the browser asks for /favicon.ico) with it.
  await writeFile(join(dir, '404.html'), 'Not found\n');
  await copyWasmBinariesTo(join(dir, 'wasm'));
  return dir;
}

async function inChromium(
  dir: string,
  isolated: boolean,
  reportedCores?: number,
): Promise<TrainingSpeed> {
  const server = await serveSite(dir, { isolationHeaders: isolated });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
    if (reportedCores !== undefined) {
      // A string: tsx would wrap a function's inner arrows in a helper the page lacks.
      await page.addInitScript(
        `Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => ${reportedCores} });`,
      );
    }
    await page.goto(`${server.url}/`);
    const result = (await page.evaluate(() => window.result)) as TrainingSpeed & {
      crossOriginIsolated: boolean;
    };
    if (result.crossOriginIsolated !== isolated) {
      throw new Error(`the page was ${isolated ? 'not ' : ''}cross-origin isolated`);
    }
    return result;
  } finally {
    await browser.close();
    await server.close();
  }
}

async function inNode(native: boolean): Promise<TrainingSpeed> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(DOCS_ROOT, 'scripts', 'training-speed', 'node-run.ts')],
    { env: { ...process.env, RESIDUAL_NATIVE: native ? '1' : '0' }, cwd: DOCS_ROOT },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

await main();
