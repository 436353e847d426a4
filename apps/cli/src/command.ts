import { KNOWN_BACKENDS } from '@residual/backend';
import type { Terminal } from './terminal.js';

/** One command-line option, declared once: the parser, `--help` and the docs read it. */
export interface OptionSpec {
  /** Long name without dashes, e.g. `batch-size`. */
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean';
  description: string;
  /** Shown in help as `--name <placeholder>`. */
  placeholder?: string;
  /** The default, as shown in help; undefined means "none" or "computed" (see description). */
  default?: string | number | boolean;
  /** Accepted values, for string options that take one of a list. */
  choices?: readonly string[];
}

/** A positional argument, e.g. the model name of `residual summary <model>`. Always required. */
export interface PositionalSpec {
  /** Shown in help as `<name>`; its value is passed to `run` under this name. */
  name: string;
  description: string;
  /** The last positional only: takes one or more values, passed to `run` as a string array. */
  variadic?: boolean;
}

export type OptionValues = Record<string, string | number | boolean | string[] | undefined>;

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Paragraphs for `residual <command> --help` and the docs. */
  description: string;
  options: readonly OptionSpec[];
  /** Positional arguments, in order. Default: none (any positional is a usage error). */
  positionals?: readonly PositionalSpec[];
  /** Example invocations, for help and the docs. */
  examples: readonly string[];
  /** Runs the command; resolves to the process exit status. */
  run(values: OptionValues, terminal: Terminal): Promise<number>;
}

/** The `--json` option every reporting command shares. */
export const JSON_OPTION: OptionSpec = {
  name: 'json',
  type: 'boolean',
  description: 'Print JSON only (for scripts).',
  default: false,
};

/** `--backend`, as every command that runs a model offers it. */
export const BACKEND_OPTION: OptionSpec = {
  name: 'backend',
  type: 'string',
  placeholder: 'name',
  description: 'TensorFlow.js backend (default: the fastest that can train here).',
  choices: KNOWN_BACKENDS,
};
