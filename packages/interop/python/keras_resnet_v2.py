"""Keras' ResNetV2 with random weights, saved in every format Keras writes, and its logits.

The parity test of @residual/interop (src/keras-parity.test.ts) runs this in the venv of
`.ci/run` (.venv-keras: keras, tensorflow-cpu, h5py) and compares our model's logits with
the ones written here. Nothing is downloaded: `weights=None` builds the architecture only.

Usage: python keras_resnet_v2.py OUT_DIR MODEL FORMATS SIZES [BATCH]
  MODEL    resnet50v2 | resnet101v2 | resnet152v2
  FORMATS  comma-separated: h5 (full model, legacy HDF5), legacy-weights.h5 (Keras 2's
           save_weights layout, the one keras.io's pretrained files use), keras (Keras 3
           archive), weights.h5 (Keras 3 weights)
  SIZES    comma-separated input sizes, e.g. 224,225,199

Writes OUT_DIR/<MODEL>.<format>, OUT_DIR/<MODEL>_<size>.input.bin and .logits.bin (float32,
little-endian, NHWC input and [batch, 1000] pre-softmax logits) and OUT_DIR/<MODEL>.json.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import h5py  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras.src.legacy.saving import legacy_h5_format  # noqa: E402

BUILDERS = {
    "resnet50v2": keras.applications.ResNet50V2,
    "resnet101v2": keras.applications.ResNet101V2,
    "resnet152v2": keras.applications.ResNet152V2,
}


def randomize(model, rng):
    """Random weights with batch-norm statistics far from their initial 0 and 1, so a reader
    that swaps or drops a statistic gives visibly different logits."""
    for layer in model.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            gamma, beta, mean, variance = layer.get_weights()
            c = gamma.shape
            layer.set_weights(
                [
                    rng.uniform(0.5, 1.5, c).astype("float32"),
                    rng.normal(0, 0.2, c).astype("float32"),
                    rng.normal(0, 0.5, c).astype("float32"),
                    rng.uniform(0.5, 2.0, c).astype("float32"),
                ]
            )
        elif layer.weights:
            # Kaiming-scaled kernels keep activations finite through 150 layers; biases non-zero.
            weights = []
            for w in layer.get_weights():
                if w.ndim > 1:
                    fan_in = int(np.prod(w.shape[:-1]))
                    weights.append(rng.normal(0, (1.0 / fan_in) ** 0.5, w.shape).astype("float32"))
                else:
                    weights.append(rng.normal(0, 0.1, w.shape).astype("float32"))
            layer.set_weights(weights)


def save(model, path, fmt):
    if fmt == "h5":
        legacy_h5_format.save_model_to_hdf5(model, path, include_optimizer=False)
    elif fmt == "legacy-weights.h5":
        with h5py.File(path, "w") as f:
            legacy_h5_format.save_weights_to_hdf5_group(f, model)
    elif fmt == "keras":
        model.save(path)
    elif fmt == "weights.h5":
        model.save_weights(path)
    else:
        raise SystemExit(f"unknown format {fmt}")


def main():
    out, name, formats, sizes = sys.argv[1:5]
    batch = int(sys.argv[5]) if len(sys.argv) > 5 else 2
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20161)
    # classifier_activation=None: the model ends in the logits, as ours does (the softmax
    # of Keras' default head is the only difference and would hide small logit errors).
    build = BUILDERS[name]
    model = build(weights=None, classifier_activation=None)
    randomize(model, rng)
    files = {}
    for fmt in formats.split(","):
        path = os.path.join(out, f"{name}.{fmt}")
        save(model, path, fmt)
        files[fmt] = os.path.basename(path)
    runs = []
    for size in [int(s) for s in sizes.split(",")]:
        # Inputs in [-1, 1], the range of Keras' ResNetV2 preprocess_input.
        x = rng.uniform(-1, 1, (batch, size, size, 3)).astype("float32")
        # Keras' classifier needs a static input shape: the same weights in a model of this size.
        sized = model
        if size != 224:
            sized = build(weights=None, classifier_activation=None, input_shape=(size, size, 3))
            sized.set_weights(model.get_weights())
        logits = sized(x, training=False).numpy().astype("float32")
        stem = os.path.join(out, f"{name}_{size}")
        x.astype("<f4").tofile(stem + ".input.bin")
        logits.astype("<f4").tofile(stem + ".logits.bin")
        runs.append({"size": size, "batch": batch, "input": f"{name}_{size}.input.bin",
                     "logits": f"{name}_{size}.logits.bin"})
    meta = {"model": name, "keras": keras.__version__, "files": files, "runs": runs}
    with open(os.path.join(out, f"{name}.json"), "w") as f:
        json.dump(meta, f, indent=2)


if __name__ == "__main__":
    main()
