// Typed command-line options: each is declared once with its type and validator, and a command's
// handler receives values whose TypeScript type is inferred from the declarations.
//
// Why a typed layer over `node:util.parseArgs` rather than a library: parseArgs (Node's own,
// no dependency) already tokenises strictly (unknown options, `--x=y`, flags given a value), and
// what it lacks is small: conversion, validation and types, below. commander with
// @commander-js/extra-typings types the values too, but it owns the help text, the error wording
// and the exit path (process.exit unless overridden), while here `--help`, the generated CLI
// reference (apps/docs) and the property test over every option all read these declarations,
// and every error must be one `UsageError` line with exit status 2. Its validators (argParser)
// would be ours to write anyway.
import { UsageError } from './usage-error.js';

/** How parseArgs reads the option, and what help and the docs call its value. */
export type OptionType = 'string' | 'integer' | 'number' | 'boolean';

/** One command-line option, declared once: the parser, `--help`, the docs and the tests read it. */
export interface OptionSpec<Name extends string = string, Value = unknown> {
  /** Long name without dashes, e.g. `batch-size`. */
  readonly name: Name;
  readonly type: OptionType;
  readonly description: string;
  /** Shown in help as `--name <placeholder>`. */
  readonly placeholder?: string;
  /** The default as one would type it, shown in help; undefined means none, or computed. */
  readonly default?: string | number | boolean;
  /** Accepted values (each item of a list option). */
  readonly choices?: readonly string[];
  /** A comma-separated list, of integers or of names. */
  readonly list?: 'integer' | 'name';
  /** Bounds of a numeric option (or of each item of a list): inclusive, or exclusive for `above`/`below`. */
  readonly min?: number;
  readonly max?: number;
  readonly above?: number;
  readonly below?: number;
  /** Refused when absent (checked after every given value, never with --help). */
  readonly required?: boolean;
  /**
   * The typed value from what parseArgs read (undefined: not given; a boolean for a flag).
   * @throws UsageError naming `<command> --<name>`, the value and what is accepted.
   */
  readonly read: (raw: string | boolean | undefined, command: string) => Value;
}

/** The handler's values: each option under its name, typed as its declaration reads it. */
export type OptionValues<Options extends readonly OptionSpec[]> = {
  -readonly [S in Options[number] as S['name']]: ReturnType<S['read']>;
};

/** Common fields of a declaration; `default` and `required` decide whether undefined can come. */
interface Declaration {
  description: string;
  placeholder?: string;
  required?: boolean;
}

/** A value that is always there (a default, or required) or may be absent. */
type Given<D, V> = D extends { default: unknown } | { required: true } ? V : V | undefined;

/** The items of a name list: one of its choices each, where it has them. */
type Names<D> = D extends { choices: readonly (infer C extends string)[] } ? C[] : string[];

interface Bounds {
  min?: number;
  max?: number;
  above?: number;
  below?: number;
}

/** A boolean flag (`--json`): false unless given. */
export function flag<const N extends string>(
  name: N,
  declaration: { description: string },
): OptionSpec<N, boolean> {
  // run.json gives a stored flag back as the text 'true'.
  return {
    name,
    type: 'boolean',
    ...declaration,
    default: false,
    read: (raw) => raw === true || raw === 'true',
  };
}

/** Free text (a path, a name checked later against something that needs loading). */
export function text<const N extends string, const D extends Declaration & { default?: string }>(
  name: N,
  declaration: D,
): OptionSpec<N, Given<D, string>> {
  return option(name, 'string', declaration, (value) => value);
}

/** One of `choices`. */
export function choice<
  const N extends string,
  const D extends Declaration & { choices: readonly string[]; default?: string },
>(name: N, declaration: D): OptionSpec<N, Given<D, D['choices'][number]>> {
  return option(name, 'string', declaration, (value, where) =>
    oneOf(value, declaration.choices, where),
  );
}

/** A whole number within the bounds. */
export function integer<
  const N extends string,
  const D extends Declaration & Bounds & { default?: number },
>(name: N, declaration: D): OptionSpec<N, Given<D, number>> {
  return option(name, 'integer', declaration, (value, where) =>
    inBounds(parseInteger(value, where), declaration, where),
  );
}

/** A finite number within the bounds. */
export function number<
  const N extends string,
  const D extends Declaration & Bounds & { default?: number },
>(name: N, declaration: D): OptionSpec<N, Given<D, number>> {
  return option(name, 'number', declaration, (value, where) => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed)) {
      throw new UsageError(`${where}: expected a number, got '${value}'.`);
    }
    return inBounds(parsed, declaration, where);
  });
}

/**
 * Comma-separated whole numbers within the bounds (e.g. depths `20,56,110`); at least one
 * unless `empty` allows none. Its default is written as on the command line.
 */
export function integerList<
  const N extends string,
  const D extends Declaration & Bounds & { default?: string; empty?: boolean },
>(name: N, declaration: D): OptionSpec<N, Given<D, number[]>> {
  return option(name, 'string', { ...declaration, list: 'integer' }, (value, where) =>
    items(value, declaration.empty, where).map((item) => {
      if (!/^-?\d+$/.test(item)) {
        throw new UsageError(`${where}: expected comma-separated integers, got '${item}'.`);
      }
      return inBounds(Number(item), declaration, where);
    }),
  );
}

/** Comma-separated names, each one of `choices` when given (e.g. `pre-ln,rezero`). */
export function nameList<
  const N extends string,
  const D extends Declaration & { choices?: readonly string[]; default?: string; empty?: boolean },
>(name: N, declaration: D): OptionSpec<N, Given<D, Names<D>>> {
  const { choices } = declaration;
  return option(name, 'string', { ...declaration, list: 'name' }, (value, where) =>
    items(value, declaration.empty, where).map((item) =>
      choices === undefined ? item : oneOf(item, choices, where),
    ),
  );
}

/**
 * Text with a parser of its own (a shape `64,64,3`, `auto|n`): `parse` returns the value or
 * throws a UsageError that begins with `where`. Its default is written as on the command line.
 */
export function parsed<
  const N extends string,
  V,
  const D extends Declaration & { default?: string },
>(name: N, declaration: D, parse: (text: string, where: string) => V): OptionSpec<N, Given<D, V>> {
  return option(name, 'string', declaration, parse);
}

/** The spec: parses a given value (or a default written as text) and refuses a missing one. */
function option<N extends string, V>(
  name: N,
  type: OptionType,
  declaration: Declaration &
    Bounds & { default?: string | number; choices?: readonly string[]; list?: 'integer' | 'name' },
  parse: (text: string, where: string) => V,
  // biome-ignore lint/suspicious/noExplicitAny: the caller states the value's type (Given<D, V>).
): OptionSpec<N, any> {
  const fallback = declaration.default;
  return {
    name,
    type,
    ...declaration,
    read(raw, command) {
      if (raw === undefined) {
        if (declaration.required) {
          throw new UsageError(
            `${command}: --${name} is required. See 'residual ${command} --help'.`,
          );
        }
        if (typeof fallback === 'string') return parse(fallback, `${command} --${name}`);
        return fallback;
      }
      return parse(String(raw), `${command} --${name}`);
    },
  };
}

function parseInteger(text: string, where: string): number {
  const value = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) {
    throw new UsageError(`${where}: expected an integer, got '${text}'.`);
  }
  return value;
}

function oneOf<C extends string>(value: string, choices: readonly C[], where: string): C {
  const found = choices.find((choice) => choice === value);
  if (found === undefined) {
    throw new UsageError(`${where}: '${value}' is not one of ${choices.join(', ')}.`);
  }
  return found;
}

/** The items of a comma-separated list, trimmed; at least one unless `empty`. */
export function items(text: string, empty: boolean | undefined, where: string): string[] {
  const list = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (list.length === 0 && !empty) {
    throw new UsageError(`${where}: give at least one, got '${text}'.`);
  }
  return list;
}

/** `value` if within `bounds`, else a UsageError saying the accepted range. */
export function inBounds(value: number, bounds: Bounds, where: string): number {
  const { min, max, above, below } = bounds;
  const fits =
    (min === undefined || value >= min) &&
    (max === undefined || value <= max) &&
    (above === undefined || value > above) &&
    (below === undefined || value < below);
  if (!fits) throw new UsageError(`${where}: must be ${describeBounds(bounds)}, got ${value}.`);
  return value;
}

/** Whether the option declares a range. */
export function hasBounds(bounds: Bounds): boolean {
  return [bounds.min, bounds.max, bounds.above, bounds.below].some((b) => b !== undefined);
}

/** The accepted range in words: `at least 1`, `positive`, `from 13 to 21`, `in [0, 1)`. */
export function describeBounds({ min, max, above, below }: Bounds): string {
  const low = min ?? above;
  const high = max ?? below;
  if (low !== undefined && high !== undefined) {
    if (min !== undefined && max !== undefined) return `from ${min} to ${max}`;
    return `in ${min === undefined ? '(' : '['}${low}, ${high}${max === undefined ? ')' : ']'}`;
  }
  if (min !== undefined) return `at least ${min}`;
  if (above !== undefined) return above === 0 ? 'positive' : `greater than ${above}`;
  if (max !== undefined) return `at most ${max}`;
  return `less than ${below}`;
}
