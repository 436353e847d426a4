"""Validates ONNX files with ONNX's own checker (full check: types and shapes inferred).

Usage: python onnx_check.py FILE...   Prints one line per file; exits non-zero on the first error.
"""

import sys

import onnx


def main():
    for path in sys.argv[1:]:
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        opset = model.opset_import[0].version
        print(f"{path}: valid, IR version {model.ir_version}, opset {opset}")


if __name__ == "__main__":
    main()
