// `pnpm quickstart-result`: runs the README's Quick start (`residual train`, every option at its
// default) and writes what it measured to bench/results/quickstart.json. The README's Quick
// start figures (accuracy, training time) are read from that file, and a test holds them to it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeKernelStatus } from '@residual/backend';

const root = fileURLToPath(new URL('../../', import.meta.url));
const out = join(mkdtempSync(join(tmpdir(), 'residual-quickstart-')), 'run');
try {
  const loadStart = loadavg();
  const started = new Date();
  const run = spawnSync(
    process.execPath,
    [join(root, 'apps/cli/dist/bin.js'), 'train', '--out', out],
    {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  if (run.status !== 0) throw new Error(`residual train exited with ${run.status}`);
  process.stdout.write(run.stdout);
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
  const result = {
    command: 'residual train',
    started: started.toISOString(),
    wallSeconds: (Date.now() - started.getTime()) / 1000,
    machine: {
      cpu: cpus()[0]?.model,
      logicalCpus: cpus().length,
      loadAverageStart: loadStart,
      loadAverageEnd: loadavg(),
      node: process.versions.node,
      native: await nativeKernelStatus(),
    },
    printed: run.stdout.trim(),
    metrics,
  };
  const file = fileURLToPath(new URL('../results/quickstart.json', import.meta.url));
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`written to ${file}`);
} finally {
  rmSync(join(out, '..'), { recursive: true, force: true });
}
