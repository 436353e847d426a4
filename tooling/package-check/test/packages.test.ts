// Each package must work for a user who installs only it (and what it depends on) from the
// registry. The tarballs `pnpm pack` makes are what the registry would serve.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closure, manifest, packagesDir, published } from './workspace-packages.js';

const tarballs = new Map<string, string>();

/**
 * Whether this machine can compile @residual/backend-native at install time: a C++ compiler,
 * Python for node-gyp and Node.js's headers. Where it cannot, the install must still succeed.
 */
const canCompileNative =
  spawnSync('c++', ['--version']).status === 0 &&
  spawnSync('python3', ['--version']).status === 0 &&
  ['/usr', '/usr/local', resolve(process.execPath, '..', '..')].some((prefix) =>
    existsSync(join(prefix, 'include', 'node', 'node_api.h')),
  );

/**
 * Packages whose install compiles the native kernels; every other package's check skips the
 * compile (RESIDUAL_NATIVE_BUILD=0) — which also checks that @residual/backend installs and
 * trains on WebAssembly when the addon is not built.
 */
const COMPILES_NATIVE = new Set(['@residual/backend-native']);

/** What a user's script does with each package, and what it must print. */
const smokeTests: Record<string, { code: string; prints: RegExp }> = {
  '@residual/backend': {
    code: `import { initBackend, Rng } from '@residual/backend';
import { expectTensorsClose } from '@residual/backend/testing';
console.log(await initBackend(), new Rng(1).nextUint32());
expectTensorsClose([1], [1]);`,
    prints: /^wasm 2442144158$/m,
  },
  '@residual/backend-native': {
    code: `import { nativeStatus } from '@residual/backend-native';
const status = nativeStatus();
console.log(status.available ? 'built ' + status.isa : 'unavailable: ' + status.reason);`,
    prints: canCompileNative ? /^built (avx512|avx2|generic)$/m : /^(built|unavailable: )/m,
  },
  '@residual/native-contract': {
    code: `import { BINARY_OPS, ENTRY_POINTS } from '@residual/native-contract';
console.log(BINARY_OPS.minimum, Object.keys(ENTRY_POINTS).length);`,
    prints: /^6 29$/m,
  },
  '@residual/layers': {
    code: `import * as tf from '@tensorflow/tfjs';
import { basicBlock, heNormalInitializers } from '@residual/layers';
const input = tf.input({ shape: [8, 8, 16] });
const output = basicBlock(input, { filters: 32, strides: 2, shortcut: 'zero-pad', name: 'b', kernelInitializer: heNormalInitializers(1) });
console.log(tf.model({ inputs: input, outputs: output }).outputs[0].shape.join(','));`,
    prints: /^,4,4,32$/m,
  },
  '@residual/models': {
    code: `import { initBackend } from '@residual/backend';
import { createModel, countParameters } from '@residual/models';
await initBackend();
console.log(countParameters(createModel('cifar_resnet20')).trainable);`,
    prints: /^269722$/m,
  },
  '@residual/datasets': {
    code: `import { loadDigits } from '@residual/datasets';
const digits = await loadDigits();
console.log(digits.train.count, digits.test.count);`,
    prints: /^8000 2000$/m,
  },
  '@residual/metrics': {
    code: `import { ConfusionMatrix } from '@residual/metrics';
const m = new ConfusionMatrix(2); m.update([0, 1, 1], [0, 1, 0]);
console.log(JSON.stringify(m.counts()));`,
    prints: /^\[\[1,0\],\[1,1\]\]$/m,
  },
  '@residual/interop': {
    code: `import { initBackend } from '@residual/backend';
import { createModel } from '@residual/models';
import { importWeights, readPth, toStateDict, writePth } from '@residual/interop';
await initBackend();
const stateDict = toStateDict(createModel('resnet18', { inputShape: [32, 32, 3] }));
const back = readPth(writePth(stateDict), 'resnet18.pth');
const report = importWeights(createModel('resnet18', { inputShape: [32, 32, 3] }), back, { fileName: 'resnet18.pth' });
console.log(back.size, 'loaded', report.loaded.length);`,
    prints: /^122 loaded 102$/m,
  },
  '@residual/train': {
    code: `import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@residual/backend';
import { train } from '@residual/train';
await initBackend();
const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [2, 2, 1] }), tf.layers.dense({ units: 2 })] });
const split = { images: new Uint8Array([0, 0, 255, 255, 255, 255, 0, 0]), labels: new Uint8Array([0, 1]), count: 2, imageShape: [2, 2, 1] };
const result = await train({ model, data: { train: split, numClasses: 2 }, epochs: 2, batchSize: 2, learningRate: 0.1 });
console.log('steps', result.steps);`,
    prints: /^steps 2$/m,
  },
};

/** The folder of the packed tarballs, removed after the run. */
let out = '';
afterAll(() => {
  if (out !== '') rmSync(out, { recursive: true, force: true });
});

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'residual-pack-'));
  for (const dir of published) {
    const name = manifest(dir).name;
    execFileSync('npx', ['-y', 'pnpm@12.4.2', 'pack', '--pack-destination', out], {
      cwd: join(packagesDir, dir),
      stdio: 'pipe',
    });
    const file = readdirSync(out).find((f) =>
      f.startsWith(name.replace('@', '').replace('/', '-')),
    );
    tarballs.set(name, join(out, file!));
  }
});

describe.each(published.map((dir) => manifest(dir).name))('%s', (name) => {
  it('passes publint', async () => {
    const tarball = readFileSync(tarballs.get(name)!);
    const { messages, pkg } = await publint({
      pack: {
        tarball: tarball.buffer.slice(
          tarball.byteOffset,
          tarball.byteOffset + tarball.byteLength,
        ) as ArrayBuffer,
      },
      strict: true,
    });
    expect(messages.map((m) => `${m.type}: ${formatMessage(m, pkg)}`)).toEqual([]);
  });

  // Compiling the native kernels takes a minute or two on a busy 2-core machine.
  it('installs on its own from its tarball and works', { timeout: 300_000 }, () => {
    const project = mkdtempSync(join(tmpdir(), 'residual-user-'));
    try {
      mkdirSync(project, { recursive: true });
      writeFileSync(
        join(project, 'package.json'),
        JSON.stringify({ name: 'user-project', private: true, type: 'module' }),
      );
      const needed = [...closure(name)].map((n) => tarballs.get(n)!);
      execFileSync(
        'npm',
        [
          'install',
          '--prefer-offline',
          '--no-audit',
          '--no-fund',
          '@tensorflow/tfjs@4.22.0',
          ...needed,
        ],
        {
          cwd: project,
          stdio: 'pipe',
          env: {
            ...process.env,
            ...(COMPILES_NATIVE.has(name) ? {} : { RESIDUAL_NATIVE_BUILD: '0' }),
          },
        },
      );
      writeFileSync(join(project, 'smoke.mjs'), smokeTests[name].code);
      const output = execFileSync(process.execPath, ['smoke.mjs'], {
        cwd: project,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(output).toMatch(smokeTests[name].prints);
    } finally {
      // ~350 MB of node_modules per package: left behind, they filled the disk.
      rmSync(project, { recursive: true, force: true });
    }
  });
});
