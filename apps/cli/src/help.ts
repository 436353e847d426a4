import type { Command, PositionalSpec } from './command.js';
import { describeBounds, hasBounds } from './options.js';

/** `residual --help`: the commands, one line each. */
export function programHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'residual: build, train and understand residual networks on TensorFlow.js',
    '',
    'Usage: residual <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'residual <command> --help' for a command's options.",
    '',
  ].join('\n');
}

/** `residual <command> --help`: description, options with defaults, examples. */
export function commandHelp(command: Command): string {
  const flags = command.options.map(
    (o) => `--${o.name}${o.type === 'boolean' ? '' : ` <${o.placeholder ?? o.type}>`}`,
  );
  const width = Math.max(...flags.map((f) => f.length), '-h, --help'.length);
  const lines = command.options.map((option, i) => {
    const extras = [
      option.choices
        ? `${option.list ? 'each ' : ''}one of: ${option.choices.join(', ')}`
        : undefined,
      hasBounds(option) ? `${option.list ? 'each ' : ''}${describeBounds(option)}` : undefined,
      option.default !== undefined && option.default !== false
        ? `default: ${option.default}`
        : undefined,
    ].filter(Boolean);
    return `  ${flags[i].padEnd(width)}  ${option.description}${extras.length ? ` (${extras.join('; ')})` : ''}`;
  });
  const positionals = command.positionals ?? [];
  const argumentLines =
    positionals.length === 0
      ? []
      : [
          'Arguments:',
          ...positionals.map((p) => `  ${placeholder(p).padEnd(width)}  ${p.description}`),
          '',
        ];
  return [
    `Usage: residual ${command.name}${positionals.map((p) => ` ${placeholder(p)}`).join('')} [options]`,
    '',
    command.description,
    '',
    ...argumentLines,
    'Options:',
    ...lines,
    `  ${'-h, --help'.padEnd(width)}  Show this help.`,
    '',
    'Examples:',
    ...command.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}

function placeholder(positional: PositionalSpec): string {
  return `<${positional.name}>${positional.variadic ? '...' : ''}`;
}
