import type * as tf from '@tensorflow/tfjs';
import { InteropError } from './interop-error.js';
import { OnnxGraph, type OnnxValue } from './onnx-graph.js';
import { LAYER_CONVERTERS } from './onnx-layers.js';
import { encodeModelProto, ONNX_FLOAT } from './onnx-schema.js';

export interface ExportOnnxOptions {
  /** ONNX operator set, 13 to 21. Default 13. */
  opsetVersion?: number;
  /**
   * The input's layout: `NCHW` (PyTorch's and ONNX's, default) or `NHWC` (TensorFlow's, our
   * models' own; the graph then starts with a Transpose). Rank-4 outputs use the same layout.
   */
  inputLayout?: 'NCHW' | 'NHWC';
}

/** IR version that goes with each supported opset (ONNX's versioning table). */
function irVersion(opset: number): number {
  if (opset <= 14) return 7;
  if (opset <= 17) return 8;
  if (opset <= 19) return 9;
  return 10;
}

/**
 * An ONNX model (a serialised ModelProto) computing the same function as `model` in inference
 * mode, with a dynamic batch dimension (`batch`). Every zoo model exports: convolutions (grouped
 * and depthwise too), batch norm, pooling, padding, squeeze-excitation, Fixup's scalars; dropout
 * and stochastic depth are the identity, as at inference. A layer the exporter does not know is
 * one InteropError naming it.
 */
export function exportOnnx(model: tf.LayersModel, options: ExportOnnxOptions = {}): Uint8Array {
  const opset = options.opsetVersion ?? 13;
  const layout = options.inputLayout ?? 'NCHW';
  if (!Number.isInteger(opset) || opset < 13 || opset > 21) {
    throw new InteropError(
      `ONNX export: opsetVersion must be an integer from 13 to 21, got ${opset}.`,
    );
  }
  if (layout !== 'NCHW' && layout !== 'NHWC') {
    throw new InteropError(`ONNX export: inputLayout must be 'NCHW' or 'NHWC', got '${layout}'.`);
  }
  if (model.inputs.length !== 1) {
    throw new InteropError(
      `ONNX export: ${model.name} has ${model.inputs.length} inputs; one is exported.`,
    );
  }
  const graph = new OnnxGraph();
  const values = new Map<number, OnnxValue>();
  const input = model.inputs[0];
  const inputName = graph.uniqueName('input');
  const inputShape = input.shape.slice(1) as (number | null)[];
  let first: OnnxValue = {
    name: inputName,
    rank: input.rank,
    nchw: input.rank === 4 && layout === 'NCHW',
  };
  if (input.rank === 4 && layout === 'NHWC') {
    first = {
      name: graph.node('Transpose', [inputName], 'input_to_nchw', { perm: [0, 3, 1, 2] }),
      rank: 4,
      nchw: true,
    };
  }
  values.set(input.id, first);

  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (className === 'InputLayer') continue;
    if (layer.inboundNodes.length !== 1) {
      throw new InteropError(
        `ONNX export: layer ${layer.name} is used ${layer.inboundNodes.length} times; shared layers are not exported.`,
      );
    }
    const convert = LAYER_CONVERTERS[className];
    if (convert === undefined) {
      throw new InteropError(
        `ONNX export: layer ${layer.name} is a ${className}, which the exporter does not know; it knows ${Object.keys(LAYER_CONVERTERS).join(', ')}.`,
      );
    }
    const inputs = layer.inboundNodes[0].inputTensors.map((t) => {
      const value = values.get(t.id);
      if (value === undefined)
        throw new InteropError(
          `ONNX export: ${layer.name} reads a value computed outside the model.`,
        );
      return value;
    });
    const outputs = layer.inboundNodes[0].outputTensors;
    if (outputs.length !== 1)
      throw new InteropError(`ONNX export: ${layer.name} has ${outputs.length} outputs.`);
    values.set(outputs[0].id, convert(layer, inputs, graph));
  }

  const outputs = model.outputs.map((t, i) => {
    let value = values.get(t.id) as OnnxValue;
    const name = model.outputs.length === 1 ? 'output' : `output_${i}`;
    if (value.rank === 4 && layout === 'NHWC' && value.nchw) {
      value = {
        name: graph.node('Transpose', [value.name], name, { perm: [0, 2, 3, 1] }),
        rank: 4,
        nchw: false,
      };
    } else {
      value = { ...value, name: graph.node('Identity', [value.name], name) };
    }
    const shape = t.shape.slice(1) as (number | null)[];
    const ordered = value.nchw ? [shape[2], shape[0], shape[1]] : shape;
    return valueInfo(value.name, ordered);
  });

  const orderedInput =
    input.rank === 4 && layout === 'NCHW'
      ? [inputShape[2], inputShape[0], inputShape[1]]
      : inputShape;
  return encodeModelProto({
    irVersion: irVersion(opset),
    opsetImport: [{ domain: '', version: opset }],
    producerName: '@residual/interop',
    graph: {
      name: model.name,
      node: graph.nodes,
      initializer: graph.initializers,
      input: [valueInfo(inputName, orderedInput)],
      output: outputs,
    },
  });
}

/** A float tensor's type with the batch dimension named `batch` (dynamic). */
function valueInfo(name: string, shape: (number | null)[]): Record<string, unknown> {
  return {
    name,
    type: {
      tensorType: {
        elemType: ONNX_FLOAT,
        shape: {
          dim: [
            { dimParam: 'batch' },
            ...shape.map((d, i) => (d === null ? { dimParam: `dim${i + 1}` } : { dimValue: d })),
          ],
        },
      },
    },
  };
}
