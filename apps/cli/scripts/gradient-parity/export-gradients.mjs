// Our side of the PyTorch parity check (run by compare_with_pytorch.py, not by the tests).
// Usage: node export-gradients.mjs OUT_DIR SEEDS DEPTHS
// For each family, depth and seed: builds the registry network at 32×32×3, takes one batch of 32
// standard-normal images with uniform random labels, and records gradientFlow's measurements.
// For the first seed it also exports the weights, images and labels, so PyTorch can recompute
// the same gradients, and it measures a ResNet with every block's last batch-norm γ set to 0.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend, Rng } from '@residual/backend';
import { gradientFlow } from '@residual/metrics';
import { createModel } from '@residual/models';
import * as tf from '@tensorflow/tfjs';

const [out, seedCount = '5', depthList = '20,56,110'] = process.argv.slice(2);
const seeds = Array.from({ length: Number(seedCount) }, (_, i) => i + 1);
const depths = depthList.split(',').map(Number);
mkdirSync(out, { recursive: true });
await initBackend({ backend: 'wasm' });

function batch(seed) {
  const rng = new Rng(seed);
  const labels = Int32Array.from({ length: 32 }, () => rng.nextInt(10));
  return {
    images: tf.randomNormal([32, 32, 32, 3], 0, 1, 'float32', seed),
    labels: tf.tensor1d(labels, 'int32'),
  };
}

function convNorms(flow) {
  return flow.layers.filter((l) => l.className === 'Conv2D').map((l) => [l.name, l.gradientNorm]);
}

/** Writes the trainable weights, images and labels as float32 files with a JSON manifest. */
function exportCase(name, model, { images, labels }) {
  const manifest = {
    weights: [],
    images: `${name}.images.bin`,
    labels: Array.from(labels.dataSync()),
  };
  const chunks = [];
  let offset = 0;
  for (const weight of model.trainableWeights) {
    const values = weight.read().dataSync();
    manifest.weights.push({
      name: weight.originalName,
      shape: weight.shape,
      offset,
      length: values.length,
    });
    chunks.push(Buffer.from(values.buffer, values.byteOffset, values.byteLength));
    offset += values.length;
  }
  writeFileSync(join(out, `${name}.weights.bin`), Buffer.concat(chunks));
  const pixels = images.dataSync();
  writeFileSync(
    join(out, manifest.images),
    Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength),
  );
  writeFileSync(join(out, `${name}.json`), JSON.stringify(manifest));
}

const runs = [];
for (const depth of depths) {
  for (const family of ['cifar_resnet', 'cifar_plain']) {
    for (const seed of seeds) {
      const name = `${family}${depth}`;
      const model = createModel(name, { inputShape: [32, 32, 3], numClasses: 10, seed });
      const probe = batch(seed);
      const flow = gradientFlow(model, probe);
      runs.push({
        model: name,
        family,
        depth,
        seed,
        loss: flow.summary.loss,
        ratio: flow.summary.firstToLastRatio,
        convNorms: convNorms(flow),
      });
      if (seed === seeds[0]) exportCase(name, model, probe);
      process.stderr.write(
        `${name} seed ${seed}: first/last ${flow.summary.firstToLastRatio.toPrecision(3)}\n`,
      );
      tf.dispose([probe.images, probe.labels]);
      model.dispose();
    }
  }
}

// Zero-γ initialisation (Goyal et al. 2017), applied by hand: the γ of each block's last
// batch norm set to 0.
const zeroGamma = createModel('cifar_resnet56', {
  inputShape: [32, 32, 3],
  numClasses: 10,
  seed: 1,
});
for (const layer of zeroGamma.layers.filter((l) => /_2_bn$/.test(l.name))) {
  const [gamma, ...rest] = layer.getWeights();
  layer.setWeights([tf.zerosLike(gamma), ...rest]);
}
const probe = batch(1);
const flow = gradientFlow(zeroGamma, probe);
const receiving = flow.layers.filter((l) => l.gradientNorm > 0).map((l) => l.name);
writeFileSync(
  join(out, 'ours.json'),
  JSON.stringify(
    { runs, zeroGamma: { layersWithGradient: receiving, layers: flow.layers.length } },
    null,
    1,
  ),
);
