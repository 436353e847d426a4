// ONNX export checked by ONNX Runtime (onnxruntime-node, CPU): each exported zoo model must give
// our model's logits within 1e-4 (max |diff| / max |logit|) at batch 1 and 3 (dynamic batch).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { initBackend, Rng } from '@residual/backend';
import { createModel } from '@residual/models';
import { temporaryDirectory } from '@residual/vitest-config/temporary-directory';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx } from './export-onnx.js';
import { InteropError } from './interop-error.js';
import { decodeModelProto } from './onnx-schema.js';
import { PYTHON_DIR, relativeDifference, venvPython } from './python-peer.js';

/** Gives every weight random values (batch norms random statistics, as training would). */
function randomize(model: tf.LayersModel, seed: number): void {
  const rng = new Rng(seed);
  for (const layer of model.layers) {
    const bn = layer.getClassName() === 'BatchNormalization';
    layer.setWeights(
      layer.getWeights().map((w, i) => {
        const values = Float32Array.from({ length: w.size }, () => rng.nextFloat());
        if (bn)
          return tf.tensor(
            values.map((v) => [0.5 + v, v - 0.5, 0.6 * v - 0.3, 0.5 + 1.5 * v][i]),
            w.shape,
          );
        // Fan-in-scaled kernels keep deep activations finite; biases and scalars near ±0.1.
        const scale = w.rank > 1 ? Math.sqrt(6 / (w.size / w.shape[w.rank - 1])) : 0.2;
        return tf.tensor(
          values.map((v) => (v - 0.5) * scale),
          w.shape,
        );
      }),
    );
  }
}

const measured: Record<string, unknown>[] = [];
const { python } = venvPython(['onnx']);

async function expectOrtLogits(name: string, size: number, layout: 'NCHW' | 'NHWC' = 'NCHW') {
  const model = createModel(name, { inputShape: [size, size, 3], seed: 1 });
  randomize(model, 2);
  const bytes = exportOnnx(model, { inputLayout: layout });
  const session = await ort.InferenceSession.create(bytes);
  for (const batch of [1, 3]) {
    const x = tf.randomUniform([batch, size, size, 3], -1, 1, 'float32', 3);
    const expected = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
    const fed = layout === 'NCHW' ? tf.tidy(() => x.transpose([0, 3, 1, 2])) : x;
    const dims = layout === 'NCHW' ? [batch, 3, size, size] : [batch, size, size, 3];
    const result = await session.run({
      [session.inputNames[0]]: new ort.Tensor('float32', fed.dataSync() as Float32Array, dims),
    });
    tf.dispose([x, fed]);
    const output = result[session.outputNames[0]];
    expect(output.dims).toEqual([batch, expected.length / batch]);
    const difference = relativeDifference(output.data as Float32Array, expected);
    measured.push({ model: name, size, layout, batch, bytes: bytes.length, difference });
    expect(difference, `${name} at batch ${batch}`).toBeLessThan(1e-4);
  }
  await session.release();
  model.dispose();
}

describe('exportOnnx', () => {
  beforeAll(async () => {
    await initBackend();
  });

  afterAll(() => {
    if (process.env.RESIDUAL_WRITE_PARITY !== '1') return;
    const path = join(import.meta.dirname, '..', 'parity', 'onnx.json');
    mkdirSync(dirname(path), { recursive: true });
    const runtime = { onnxruntime: ort.env.versions.node, tfjsBackend: tf.getBackend() };
    writeFileSync(path, `${JSON.stringify({ ...runtime, measured }, null, 2)}\n`);
  });

  it('writes opset 13 with a dynamic batch dimension and NCHW input', () => {
    const model = createModel('cifar_resnet20', { seed: 1 });
    const proto = decodeModelProto(exportOnnx(model)) as {
      irVersion: number;
      opsetImport: { version: number }[];
      graph: { input: { type: { tensorType: { shape: { dim: unknown[] } } } }[] };
    };
    expect(proto.opsetImport[0].version).toBe(13);
    expect(proto.irVersion).toBe(7);
    expect(proto.graph.input[0].type.tensorType.shape.dim).toEqual([
      { dimParam: 'batch' },
      { dimValue: 3 },
      { dimValue: 32 },
      { dimValue: 32 },
    ]);
    model.dispose();
  });

  it('cifar_resnet20 (zero-pad shortcuts) runs in ONNX Runtime with our logits', async () => {
    await expectOrtLogits('cifar_resnet20', 32);
  });

  it('resnet18 runs in ONNX Runtime with our logits, NCHW and NHWC input', async () => {
    await expectOrtLogits('resnet18', 33);
    await expectOrtLogits('resnet18', 32, 'NHWC');
  });

  it('resnext50_32x4d (grouped convolutions) runs with our logits', async () => {
    await expectOrtLogits('resnext50_32x4d', 32);
  }, 120_000);

  it('seresnet50 (squeeze-excitation) and resnet50d (avg-down) run with our logits', async () => {
    await expectOrtLogits('seresnet50', 32);
    await expectOrtLogits('resnet50d', 35);
  }, 120_000);

  it('resnet50v2 (pre-activation, Keras layout) runs with our logits', async () => {
    await expectOrtLogits('resnet50v2', 33);
  }, 120_000);

  it.skipIf(python === undefined)("passes ONNX's own checker, at opset 13 and 17", () => {
    const dir = temporaryDirectory('residual-onnx-');
    const model = createModel('resnext50_32x4d', { inputShape: [32, 32, 3], seed: 1 });
    const files = [13, 17].map((opsetVersion) => {
      const file = join(dir, `resnext-${opsetVersion}.onnx`);
      writeFileSync(file, exportOnnx(model, { opsetVersion }));
      return file;
    });
    model.dispose();
    const check = spawnSync(python as string, [join(PYTHON_DIR, 'onnx_check.py'), ...files], {
      encoding: 'utf8',
    });
    expect(check.stderr).toBe('');
    expect(check.stdout).toContain('valid, IR version 8, opset 17');
    expect(check.status).toBe(0);
  });

  it('refuses a layer it does not know, naming it', () => {
    const input = tf.input({ shape: [4, 4, 3] });
    const output = tf.layers.upSampling2d({ size: [2, 2], name: 'up' }).apply(input);
    const model = tf.model({ inputs: input, outputs: output as tf.SymbolicTensor });
    expect(() => exportOnnx(model)).toThrow(
      /^ONNX export: layer up is a UpSampling2D, which the exporter does not know; it knows Activation, Add/,
    );
  });

  it('refuses an unknown opset or layout in one line', () => {
    const model = createModel('cifar_resnet20', { seed: 1 });
    expect(() => exportOnnx(model, { opsetVersion: 9 })).toThrow(
      new InteropError('ONNX export: opsetVersion must be an integer from 13 to 21, got 9.'),
    );
    expect(() => exportOnnx(model, { inputLayout: 'CHWN' as 'NCHW' })).toThrow(InteropError);
    model.dispose();
  });
});
