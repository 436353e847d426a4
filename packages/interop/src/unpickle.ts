import { isKind, PickleTuple, type PickleValue } from './pickle-values.js';

export interface UnpickleOptions {
  /** Throws an error that names the file and `problem`. */
  fail: (problem: string) => never;
  /** The allow-listed value of `module.name`, or undefined to refuse it. */
  findGlobal: (module: string, name: string) => PickleValue | undefined;
  /** The object a persistent id (BINPERSID) stands for. */
  persistentLoad: (id: PickleValue) => PickleValue;
}

const MARK = Symbol('mark');
type StackItem = PickleValue | typeof MARK;

/**
 * A restricted unpickler for the data pickles that `torch.save` writes (protocols 2 to 5): it
 * builds plain values (numbers, strings, lists, tuples, dicts) and calls only the allow-listed
 * callables that `findGlobal` returns. It imports nothing, executes nothing, and instantiates no
 * class, so a hostile pickle can at worst be refused. Every read is checked against the end.
 */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions): PickleValue {
  const { fail } = options;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: StackItem[] = [];
  const memo = new Map<number, PickleValue>();
  let position = 0;

  const take = (length: number): Uint8Array => {
    if (!Number.isSafeInteger(length) || length < 0 || position + length > bytes.length) {
      fail(`pickle is truncated: needs ${length} bytes at offset ${position} of ${bytes.length}`);
    }
    const out = bytes.subarray(position, position + length);
    position += length;
    return out;
  };
  const uint = (size: 1 | 2 | 4 | 8): number => {
    const at = take(size).byteOffset - bytes.byteOffset;
    if (size === 1) return view.getUint8(at);
    if (size === 2) return view.getUint16(at, true);
    if (size === 4) return view.getUint32(at, true);
    const value = view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) fail(`pickle length ${value} is too large`);
    return Number(value);
  };
  const utf8 = (length: number): string => {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(take(length));
    } catch {
      return fail(`pickle string at offset ${position} is not valid UTF-8`);
    }
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, position);
    if (end < 0) fail('pickle is truncated inside a GLOBAL name');
    return utf8(end - position + 1).slice(0, -1);
  };
  const pop = (): PickleValue => {
    const value = stack.pop();
    if (value === undefined || value === MARK) fail(`pickle stack underflow at offset ${position}`);
    return value as PickleValue;
  };
  const top = (): PickleValue => {
    const value = stack[stack.length - 1];
    if (value === undefined || value === MARK) fail(`pickle stack underflow at offset ${position}`);
    return value as PickleValue;
  };
  const popToMark = (): PickleValue[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) fail(`pickle has no MARK for the opcode before offset ${position}`);
    const items = stack.splice(at) as PickleValue[];
    items.shift();
    return items;
  };
  const global = (module: string, name: string): PickleValue => {
    const value = options.findGlobal(module, name);
    if (value === undefined) {
      fail(
        `the pickle names the Python global ${module}.${name}, which is not allowed in a weights file (refused, nothing was executed)`,
      );
    }
    return value as PickleValue;
  };
  const setItems = (target: PickleValue, items: PickleValue[]): void => {
    if (!(target instanceof Map)) fail('pickle sets dict items on something that is not a dict');
    if (items.length % 2 !== 0) fail('pickle SETITEMS has an odd number of values');
    for (let i = 0; i < items.length; i += 2)
      (target as Map<PickleValue, PickleValue>).set(items[i]!, items[i + 1]!);
  };
  const append = (target: PickleValue, items: PickleValue[]): void => {
    if (!Array.isArray(target)) fail('pickle appends to something that is not a list');
    (target as PickleValue[]).push(...items);
  };
  const memoKey = (size: 1 | 4) => uint(size);
  const get = (key: number): PickleValue => {
    if (!memo.has(key)) fail(`pickle refers to memo entry ${key}, which was never stored`);
    return memo.get(key)!;
  };
  const long = (length: number): number | bigint => {
    const data = take(length);
    let value = 0n;
    for (let i = data.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(data[i]!);
    if (length > 0 && data[length - 1]! & 0x80) value -= 1n << BigInt(8 * length);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value;
  };

  while (true) {
    if (position >= bytes.length) fail('pickle is truncated: it ends before its STOP opcode');
    const opcode = bytes[position++]!;
    switch (opcode) {
      case 0x80: // PROTO
        if (uint(1) > 5) fail('pickle protocol is newer than 5');
        break;
      case 0x95: // FRAME: framing is only a hint for buffered readers
        uint(8);
        break;
      case 0x2e: // STOP
        return pop();
      case 0x28: // MARK
        stack.push(MARK);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(new PickleTuple([]));
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
      case 0x89: // NEWFALSE
        stack.push(opcode === 0x88);
        break;
      case 0x4b: // BININT1
        stack.push(uint(1));
        break;
      case 0x4d: // BININT2
        stack.push(uint(2));
        break;
      case 0x4a: // BININT
        stack.push(view.getInt32(take(4).byteOffset - bytes.byteOffset, true));
        break;
      case 0x8a: // LONG1
        stack.push(long(uint(1)));
        break;
      case 0x8b: // LONG4
        stack.push(long(uint(4)));
        break;
      case 0x47: // BINFLOAT (big-endian)
        stack.push(view.getFloat64(take(8).byteOffset - bytes.byteOffset, false));
        break;
      case 0x58: // BINUNICODE
        stack.push(utf8(uint(4)));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(utf8(uint(1)));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(utf8(uint(8)));
        break;
      case 0x54: // BINSTRING
      case 0x55: // SHORT_BINSTRING
        stack.push(new TextDecoder('latin1').decode(take(uint(opcode === 0x54 ? 4 : 1))));
        break;
      case 0x42: // BINBYTES
      case 0x43: // SHORT_BINBYTES
      case 0x8e: // BINBYTES8
        stack.push(take(uint(opcode === 0x42 ? 4 : opcode === 0x43 ? 1 : 8)).slice());
        break;
      case 0x74: // TUPLE
        stack.push(new PickleTuple(popToMark()));
        break;
      case 0x85: // TUPLE1
      case 0x86: // TUPLE2
      case 0x87: {
        // TUPLE3
        const items: PickleValue[] = [];
        for (let i = 0; i < opcode - 0x84; i++) items.unshift(pop());
        stack.push(new PickleTuple(items));
        break;
      }
      case 0x6c: // LIST
        stack.push(popToMark());
        break;
      case 0x64: {
        // DICT
        const dict = new Map<PickleValue, PickleValue>();
        setItems(dict, popToMark());
        stack.push(dict);
        break;
      }
      case 0x61: {
        // APPEND
        const item = pop();
        append(top(), [item]);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popToMark();
        append(top(), items);
        break;
      }
      case 0x73: {
        // SETITEM
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popToMark();
        setItems(top(), items);
        break;
      }
      case 0x71: // BINPUT
      case 0x72: // LONG_BINPUT
        memo.set(memoKey(opcode === 0x71 ? 1 : 4), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
      case 0x6a: // LONG_BINGET
        stack.push(get(memoKey(opcode === 0x68 ? 1 : 4)));
        break;
      case 0x30: // POP
        pop();
        break;
      case 0x31: // POP_MARK
        popToMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x63: {
        // GLOBAL: "module\nname\n"
        const module = line();
        stack.push(global(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string')
          fail('pickle STACK_GLOBAL needs two strings');
        stack.push(global(module as string, name as string));
        break;
      }
      case 0x52: {
        // REDUCE: only allow-listed callables ever run, and they only build values
        const args = pop();
        const callable = pop();
        if (!isKind(callable, 'callable'))
          fail('pickle calls something that is not an allowed function');
        if (!(args instanceof PickleTuple)) fail('pickle REDUCE arguments are not a tuple');
        stack.push(
          (callable as { call: (a: PickleValue[]) => PickleValue }).call(
            (args as PickleTuple).items,
          ),
        );
        break;
      }
      case 0x62: {
        // BUILD: a dict's attribute state (OrderedDict._metadata) carries no weights; dropped
        const state = pop();
        if (
          !(top() instanceof Map) ||
          !(state instanceof Map || state === null || state instanceof PickleTuple)
        ) {
          fail('pickle BUILD sets the state of an object that is not a plain dict');
        }
        break;
      }
      case 0x51: // BINPERSID
        stack.push(options.persistentLoad(pop()));
        break;
      default:
        fail(
          `pickle opcode 0x${opcode.toString(16).padStart(2, '0')} at offset ${position - 1} is not one that torch.save writes`,
        );
    }
  }
}
