import { parseArgs } from 'node:util';
import type { PositionalSpec } from './command.js';
import type { OptionSpec } from './options.js';
import { UsageError } from './usage-error.js';

/**
 * Parses `args` against `specs`: each option's declaration converts, checks and defaults its
 * value, and each of `positionals` (all required, in order; a variadic last one takes the
 * rest, as an array) goes under its name. `--help` is always accepted, with or without the
 * positionals and required options. @throws UsageError naming the option and the bad value.
 */
export function parseOptions(
  commandName: string,
  specs: readonly OptionSpec[],
  args: string[],
  positionals: readonly PositionalSpec[] = [],
): Record<string, unknown> & { help: boolean } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: attachNegativeNumbers(specs, args),
      strict: true,
      allowPositionals: positionals.length > 0,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(
          specs.map((spec) => [
            spec.name,
            { type: spec.type === 'boolean' ? 'boolean' : 'string' },
          ]),
        ),
      },
    });
  } catch (error) {
    const reason = (error as Error).message
      .replace(/\. To specify a positional.*$/s, '')
      .replace(/\.$/, '');
    throw new UsageError(`${commandName}: ${reason}. See 'residual ${commandName} --help'.`);
  }
  const help = parsed.values.help === true;
  const values: Record<string, unknown> & { help: boolean } = { help };
  // Given values first, so that a bad value is named before a missing required option.
  const absent: OptionSpec[] = [];
  for (const spec of specs) {
    const raw = parsed.values[spec.name];
    if (typeof raw === 'string' || typeof raw === 'boolean') {
      values[spec.name] = spec.read(raw, commandName);
    } else {
      absent.push(spec);
    }
  }
  if (help) return values;
  for (const spec of absent) values[spec.name] = spec.read(undefined, commandName);
  const seeHelp = `See 'residual ${commandName} --help'.`;
  const words = parsed.positionals;
  if (words.length < positionals.length) {
    throw new UsageError(`${commandName}: missing <${positionals[words.length].name}>. ${seeHelp}`);
  }
  const last = positionals.at(-1);
  if (last?.variadic && words.length >= positionals.length) {
    const fixed = positionals.length - 1;
    positionals.slice(0, fixed).forEach((spec, i) => {
      values[spec.name] = words[i];
    });
    values[last.name] = words.slice(fixed);
    return values;
  }
  if (words.length > positionals.length) {
    throw new UsageError(
      `${commandName}: unexpected argument '${words[positionals.length]}'. ${seeHelp}`,
    );
  }
  positionals.forEach((spec, i) => {
    values[spec.name] = words[i];
  });
  return values;
}

/**
 * `--epochs -1` as `--epochs=-1`: parseArgs takes a value that starts with a dash for an
 * option and refuses it as "ambiguous"; a negative number after an option that takes a value
 * is that value, to be answered by the option's own range check.
 */
function attachNegativeNumbers(specs: readonly OptionSpec[], args: string[]): string[] {
  const takesValue = new Set(specs.filter((s) => s.type !== 'boolean').map((s) => `--${s.name}`));
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const next = args[i + 1];
    if (takesValue.has(args[i]) && next !== undefined && /^-(\d|\.\d|Infinity)/.test(next)) {
      out.push(`${args[i]}=${next}`);
      i++;
    } else {
      out.push(args[i]);
    }
  }
  return out;
}
