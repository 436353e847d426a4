// The CIFAR, plain, pre-activation and Wide ResNet entries against PyTorch networks written from
// their papers (scripts/pytorch-parity.py), and against the parameter counts the papers print.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { peerSkipReason } from '@residual/vitest-config/peer';
import { afterAll, expect, it } from 'vitest';
import './index.js';
import { listModels } from './registry.js';

const PYTHON = process.env.RESIDUAL_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../scripts/pytorch-parity.py', import.meta.url));

function torchMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error !== undefined) return `${PYTHON} does not run (${probe.error.message})`;
  if (probe.status !== 0) return `${PYTHON} cannot import torch`;
  return undefined;
}

const skip = peerSkipReason({
  peer: 'PyTorch',
  missing: torchMissing(),
  requireEnv: 'RESIDUAL_REQUIRE_PYTHON',
  hint: "Install Debian's python3-torch (or set RESIDUAL_PYTHON to a Python with torch).",
});

let dir = '';
afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

/** The papers' CIFAR networks: cifar_resnet…, cifar_plain…, cifar_preact_resnet…, wrn…. */
const isCifarNetwork = (name: string) => name.startsWith('cifar_') || /^wrn\d/.test(name);

it.skipIf(skip !== undefined)(
  'the CIFAR-family entries have the counts PyTorch and the papers give',
  () => {
    const entries = listModels()
      .filter((entry) => isCifarNetwork(entry.name))
      .map(({ name, trainableParams, totalParams, macs, defaultInputShape }) => ({
        name,
        trainableParams,
        totalParams,
        macs,
        inputShape: defaultInputShape,
      }));
    expect(entries.length).toBeGreaterThanOrEqual(20);
    dir = mkdtempSync(join(tmpdir(), 'residual-pytorch-counts-')); // made only when it runs
    const input = join(dir, 'models.json');
    writeFileSync(input, JSON.stringify(entries));
    const run = spawnSync(PYTHON, [SCRIPT, input], { encoding: 'utf8', timeout: 110_000 });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    // One verdict line per entry, each "same".
    const verdicts = run.stdout.trim().split('\n').slice(1);
    expect(verdicts).toHaveLength(entries.length);
    for (const line of verdicts) expect(line).toMatch(/ same$/);
  },
  120_000,
);
