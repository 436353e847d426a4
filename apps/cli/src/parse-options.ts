import { parseArgs } from 'node:util';
import type { OptionSpec, OptionValues, PositionalSpec } from './command.js';
import { UsageError } from './usage-error.js';

/**
 * Parses `args` against `specs`: converts numbers, checks choices, fills defaults, and puts
 * each of `positionals` (all required, in order; a variadic last one takes the rest, as an
 * array) under its name. `--help` is always accepted,
 * with or without the positionals. @throws UsageError naming the option and the bad value.
 */
export function parseOptions(
  commandName: string,
  specs: readonly OptionSpec[],
  args: string[],
  positionals: readonly PositionalSpec[] = [],
): OptionValues & { help: boolean } {
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
  const values: OptionValues & { help: boolean } = { help: parsed.values.help === true };
  for (const spec of specs) {
    const raw = parsed.values[spec.name];
    values[spec.name] =
      raw === undefined ? spec.default : convert(commandName, spec, raw as string | boolean);
  }
  if (values.help) return values;
  const given = parsed.positionals;
  const seeHelp = `See 'residual ${commandName} --help'.`;
  if (given.length < positionals.length) {
    throw new UsageError(`${commandName}: missing <${positionals[given.length].name}>. ${seeHelp}`);
  }
  const last = positionals.at(-1);
  if (last?.variadic && given.length >= positionals.length) {
    const fixed = positionals.length - 1;
    positionals.slice(0, fixed).forEach((spec, i) => {
      values[spec.name] = given[i];
    });
    values[last.name] = given.slice(fixed);
    return values;
  }
  if (given.length > positionals.length) {
    throw new UsageError(
      `${commandName}: unexpected argument '${given[positionals.length]}'. ${seeHelp}`,
    );
  }
  positionals.forEach((spec, i) => {
    values[spec.name] = given[i];
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

function convert(
  commandName: string,
  spec: OptionSpec,
  raw: string | boolean,
): string | number | boolean {
  if (spec.type === 'boolean') return raw as boolean;
  const text = raw as string;
  const where = `${commandName} --${spec.name}`;
  if (spec.type === 'integer') {
    const value = Number(text);
    if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) {
      throw new UsageError(`${where}: expected an integer, got '${text}'.`);
    }
    return value;
  }
  if (spec.type === 'number') {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) {
      throw new UsageError(`${where}: expected a number, got '${text}'.`);
    }
    return value;
  }
  if (spec.choices !== undefined && !spec.choices.includes(text)) {
    throw new UsageError(`${where}: '${text}' is not one of ${spec.choices.join(', ')}.`);
  }
  return text;
}
