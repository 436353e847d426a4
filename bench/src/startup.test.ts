import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { coldImports, importTargets, TFJS } from './cold-import.js';
import { firstStepRuns, RUN_FOLDER_PREFIX } from './first-step.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const runFolders = () => readdirSync(tmpdir()).filter((name) => name.startsWith(RUN_FOLDER_PREFIX));

describe('the startup section of pnpm bench', () => {
  it('imports tfjs and every published package, and no private one', () => {
    const names = importTargets(root).map((t) => t.name);
    expect(names[0]).toBe(TFJS);
    expect(names).toContain('@residual/backend');
    expect(names).toContain('@residual/train');
    expect(names).not.toContain('@residual/bench');
    expect(names).not.toContain('residual');
    const importsTfjs = importTargets(root)
      .filter((t) => t.importsTfjs)
      .map((t) => t.name);
    expect(importsTfjs).toContain('@residual/models');
    expect(importsTfjs).not.toContain('@residual/native-contract');
  });

  it('times a cold import in a fresh node, boot and import apart', async () => {
    const target = importTargets(root).find((t) => t.name === '@residual/native-contract');
    if (target === undefined) throw new Error('@residual/native-contract is not a target');
    const times = await coldImports([target], 1);
    expect([...times.keys()].map((t) => t.name)).toEqual(['@residual/native-contract']);
    const [run] = times.get(target) ?? [];
    for (const seconds of [run.nodeBootSeconds, run.importSeconds]) {
      expect(Number.isFinite(seconds) && seconds > 0, String(seconds)).toBe(true);
    }
  }, 60_000);

  it('times residual train to its first step, in order, and removes its run', async () => {
    const before = runFolders();
    const [run] = await firstStepRuns(`${root}apps/cli/dist/bin.js`, 1);
    expect(run.firstOutputSeconds).toBeGreaterThan(0);
    expect(run.firstStepSeconds).toBeGreaterThan(run.firstOutputSeconds);
    expect(run.nextStepSeconds).toBeGreaterThan(0);
    expect(run.exitSeconds).toBeGreaterThan(run.firstStepSeconds);
    expect(runFolders()).toEqual(before);
  }, 120_000);
});
