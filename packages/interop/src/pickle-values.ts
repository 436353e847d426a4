import type { SourceTensor } from './source-tensor.js';

/** A Python tuple, kept apart from lists so that persistent ids and shapes are recognised. */
export class PickleTuple {
  constructor(readonly items: PickleValue[]) {}
}

/** A Python callable from the allow-list; `call` builds its result from plain values. */
export interface PickleCallable {
  kind: 'callable';
  qualifiedName: string;
  call: (args: PickleValue[]) => PickleValue;
}

/** `torch.FloatStorage` and its kin: only ever a tag inside a persistent id. */
export interface StorageType {
  kind: 'storage-type';
  qualifiedName: string;
}

export interface TensorValue {
  kind: 'tensor';
  tensor: SourceTensor;
}

/** A storage of a zip archive's `data/` folder, decoded on first use. */
export interface StorageValue {
  kind: 'storage';
  key: string;
  numel: number;
  elements: () => SourceTensor['data'];
  dtype: SourceTensor['dtype'];
}

/** What the restricted unpickler can produce: data, never an object of an arbitrary class. */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | PickleTuple
  | Map<PickleValue, PickleValue>
  | PickleCallable
  | StorageType
  | StorageValue
  | TensorValue;

export function isKind<K extends string>(
  value: PickleValue,
  kind: K,
): value is Extract<PickleValue, { kind: K }> {
  return typeof value === 'object' && value !== null && 'kind' in value && value.kind === kind;
}
