import { ATTRIBUTE_TYPES, ONNX_FLOAT, ONNX_INT64 } from './onnx-schema.js';

/**
 * A value of the exported graph. Rank-4 values are held as ONNX wants them, NCHW, while the
 * tfjs layer they come from computes NHWC: `nchw` says which, so a layer that reads axes
 * (Flatten, Reshape, Permute) can translate.
 */
export interface OnnxValue {
  name: string;
  rank: number;
  nchw: boolean;
}

export type AttributeValue = number | number[] | string | { float: number } | { floats: number[] };

/** Collects the nodes and initializers of one ONNX graph, naming each uniquely. */
export class OnnxGraph {
  readonly nodes: Record<string, unknown>[] = [];
  readonly initializers: Record<string, unknown>[] = [];
  private readonly names = new Set<string>();

  /** A fresh value name starting with `base`. */
  uniqueName(base: string): string {
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  /** Adds a node with one output named after `name`; returns the output's name. */
  node(
    opType: string,
    inputs: string[],
    name: string,
    attributes: Record<string, AttributeValue> = {},
  ) {
    const output = this.uniqueName(name);
    this.nodes.push({
      opType,
      name: output,
      input: inputs,
      output: [output],
      attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
    });
    return output;
  }

  /** A float32 constant (weights), stored as little-endian raw bytes. */
  floats(name: string, data: Float32Array, dims: number[]): string {
    const unique = this.uniqueName(name);
    const raw = new Uint8Array(data.length * 4);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
    this.initializers.push({ name: unique, dataType: ONNX_FLOAT, dims, rawData: raw });
    return unique;
  }

  /** An int64 constant (shapes, pads). */
  int64s(name: string, values: number[]): string {
    const unique = this.uniqueName(name);
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < values.length; i++) view.setBigInt64(i * 8, BigInt(values[i]), true);
    this.initializers.push({
      name: unique,
      dataType: ONNX_INT64,
      dims: [values.length],
      rawData: raw,
    });
    return unique;
  }
}

function attribute(name: string, value: AttributeValue): Record<string, unknown> {
  if (typeof value === 'string') {
    return { name, type: ATTRIBUTE_TYPES.STRING, s: new TextEncoder().encode(value) };
  }
  if (typeof value === 'number') return { name, type: ATTRIBUTE_TYPES.INT, i: value };
  if (Array.isArray(value)) return { name, type: ATTRIBUTE_TYPES.INTS, ints: value };
  if ('float' in value) return { name, type: ATTRIBUTE_TYPES.FLOAT, f: value.float };
  return { name, type: ATTRIBUTE_TYPES.FLOATS, floats: value.floats };
}
