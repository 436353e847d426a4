import { KNOWN_BACKENDS } from '@residual/backend';
import { choice, flag, type OptionSpec, type OptionValues } from './options.js';
import type { Terminal } from './terminal.js';

export type { OptionSpec } from './options.js';

/** A positional argument, e.g. the model name of `residual summary <model>`. Always required. */
export interface PositionalSpec<Name extends string = string> {
  /** Shown in help as `<name>`; its value is passed to `run` under this name. */
  readonly name: Name;
  readonly description: string;
  /** The last positional only: takes one or more values, passed to `run` as a string array. */
  readonly variadic?: boolean;
}

/** The positionals' values: a string each, a string array for a variadic one. */
export type PositionalValues<Positionals extends readonly PositionalSpec[]> = {
  -readonly [S in Positionals[number] as S['name']]: S extends { variadic: true }
    ? string[]
    : string;
};

/**
 * What `run` receives: every option and positional, typed from the command's declarations (for
 * a command of unknown declarations, as the parser hands them over).
 */
export type CommandValues<
  Options extends readonly OptionSpec[],
  Positionals extends readonly PositionalSpec[] = [],
> = string extends Options[number]['name']
  ? Record<string, unknown>
  : OptionValues<Options> & PositionalValues<Positionals>;

export interface Command<
  Options extends readonly OptionSpec[] = readonly OptionSpec[],
  Positionals extends readonly PositionalSpec[] = readonly PositionalSpec[],
> {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Paragraphs for `residual <command> --help` and the docs. */
  description: string;
  options: Options;
  /** Positional arguments, in order. Default: none (any positional is a usage error). */
  positionals?: Positionals;
  /** Example invocations, for help and the docs. */
  examples: readonly string[];
  /** Runs the command; resolves to the process exit status. */
  run(values: CommandValues<Options, Positionals>, terminal: Terminal): Promise<number>;
}

/** A command whose `run` receives values typed from its option and positional declarations. */
export function defineCommand<
  const Options extends readonly OptionSpec[],
  const Positionals extends readonly PositionalSpec[] = [],
>(command: Command<Options, Positionals>): Command<Options, Positionals> {
  return command;
}

/** The `--json` option every reporting command shares. */
export const JSON_OPTION = flag('json', { description: 'Print JSON only (for scripts).' });

/** `--backend`, as every command that runs a model offers it. */
export const BACKEND_OPTION = choice('backend', {
  placeholder: 'name',
  description: 'TensorFlow.js backend (default: the fastest that can train here).',
  choices: KNOWN_BACKENDS,
});
