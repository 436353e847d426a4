"""Small Keras weight files for the reader tests of @residual/interop (a few KB each).

Run from the repository root with the venv of `.ci/run`:
  .venv-keras/bin/python packages/interop/python/keras_fixtures.py packages/interop/fixtures/keras

Writes tiny.h5 (legacy full model), tiny.legacy-weights.h5 (Keras 2's save_weights layout),
tiny.keras (Keras 3 archive), tiny.weights.h5 (Keras 3 weights) and tiny.json: every weight's
key, shape and values, which the reader must return exactly.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import h5py  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras.src.legacy.saving import legacy_h5_format  # noqa: E402


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(7)
    inputs = keras.Input((5, 5, 3), name="input")
    x = keras.layers.Conv2D(4, 3, name="conv1_conv")(inputs)
    x = keras.layers.BatchNormalization(epsilon=1.001e-5, name="post_bn")(x)
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    x = keras.layers.Dense(2, name="predictions")(x)
    model = keras.Model(inputs, x, name="tiny")
    model.set_weights([rng.normal(0, 1, w.shape).astype("float32") for w in model.weights])
    legacy_h5_format.save_model_to_hdf5(model, os.path.join(out, "tiny.h5"), include_optimizer=False)
    with h5py.File(os.path.join(out, "tiny.legacy-weights.h5"), "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)
    model.save(os.path.join(out, "tiny.keras"))
    model.save_weights(os.path.join(out, "tiny.weights.h5"))
    expected = {
        f"{layer.name}/{w.name}": {"shape": list(w.shape), "values": np.asarray(w).ravel().tolist()}
        for layer in model.layers
        for w in layer.weights
    }
    with open(os.path.join(out, "tiny.json"), "w") as f:
        json.dump(expected, f)


if __name__ == "__main__":
    main()
