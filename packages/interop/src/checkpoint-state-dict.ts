import { isKind, type PickleValue } from './pickle-values.js';
import type { StateDict } from './source-tensor.js';

/** Where training scripts (torchvision's reference scripts, timm, Lightning) nest the weights. */
const NESTING_KEYS = ['state_dict', 'model', 'model_ema', 'state_dict_ema', 'module'];

/** Prefixes that wrappers add to every key: DataParallel/DDP and torch.compile. */
const WRAPPER_PREFIXES = ['module.', '_orig_mod.'];

/**
 * The state dict inside an unpickled file: the top-level dict when all its values are tensors,
 * else the first of `NESTING_KEYS` that holds one; wrapper prefixes that every key carries
 * are removed.
 */
export function extractStateDict(root: PickleValue, fail: (problem: string) => never): StateDict {
  if (!(root instanceof Map)) fail('the file holds no dict of tensors (a state dict)');
  let dict = root as Map<PickleValue, PickleValue>;
  // A state dict holds only tensors; a checkpoint mixes them with epochs, metrics and optimizers.
  const holdsTensors = (d: Map<PickleValue, PickleValue>) =>
    d.size > 0 && [...d.values()].every((value) => isKind(value, 'tensor'));
  if (!holdsTensors(dict)) {
    const key = NESTING_KEYS.find((k) => {
      const nested = dict.get(k);
      return nested instanceof Map && holdsTensors(nested);
    });
    if (key === undefined) {
      const keys = [...dict.keys()].slice(0, 8).map(String).join(', ');
      fail(
        `no state dict found: the top-level keys are ${keys || '(none)'}; expected tensors or one of ${NESTING_KEYS.join(', ')}`,
      );
    }
    dict = dict.get(key!) as Map<PickleValue, PickleValue>;
  }
  let stateDict: StateDict = new Map();
  for (const [key, value] of dict) {
    if (typeof key !== 'string') fail(`state dict has a non-string key ${String(key)}`);
    if (!isKind(value, 'tensor')) fail(`state dict entry "${key as string}" is not a tensor`);
    stateDict.set(
      key as string,
      (value as { tensor: StateDict extends Map<string, infer T> ? T : never }).tensor,
    );
  }
  for (const prefix of WRAPPER_PREFIXES) {
    const keys = [...stateDict.keys()];
    if (keys.length > 0 && keys.every((k) => k.startsWith(prefix))) {
      const stripped: StateDict = new Map();
      for (const [k, v] of stateDict) stripped.set(k.slice(prefix.length), v);
      stateDict = stripped;
    }
  }
  return stateDict;
}
