import { join } from 'node:path';
import { COMMANDS, type Command, describeBounds, hasBounds, type OptionSpec } from 'residual';
import { code, escapeText, fence, table } from './markdown.js';
import { FRAGMENTS_DIR } from './paths.js';
import { writeText } from './write-file.js';

/**
 * The CLI reference, written from the same command definitions that `residual --help` prints,
 * so the page and the program cannot disagree.
 */
export async function generateCliReference(commands: readonly Command[] = COMMANDS): Promise<void> {
  await writeText(join(FRAGMENTS_DIR, 'cli.md'), cliReference(commands));
}

export function cliReference(commands: readonly Command[]): string {
  const overview = table(
    ['command', 'what it does'],
    commands.map((command) => [
      `[${code(`residual ${command.name}`)}](#residual-${command.name})`,
      escapeText(command.summary),
    ]),
  );
  return [overview, ...commands.map(commandSection)].join('\n\n');
}

function commandSection(command: Command): string {
  const positionals = command.positionals ?? [];
  const usage = `residual ${command.name}${positionals.map((p) => ` <${p.name}>`).join('')}${
    command.options.length ? ' [options]' : ''
  }`;
  const argumentsSection = positionals.length
    ? [
        '### Arguments',
        table(
          ['argument', 'description'],
          positionals.map((p) => [code(`<${p.name}>`), escapeText(p.description)]),
        ),
      ]
    : [];
  const options = table(
    ['option', 'description', 'default'],
    [
      ...command.options.map((option) => [
        code(flag(option)),
        escapeText(describe(option)),
        option.default === undefined || option.default === false
          ? ''
          : code(String(option.default)),
      ]),
      [code('-h, --help'), 'Show the command’s help.', ''],
    ],
  );
  return [
    `## residual ${command.name}`,
    escapeText(command.summary),
    fence('sh', usage),
    escapeText(command.description),
    ...argumentsSection,
    '### Options',
    options,
    '### Examples',
    fence('sh', command.examples.join('\n')),
  ].join('\n\n');
}

function flag(option: OptionSpec): string {
  return option.type === 'boolean'
    ? `--${option.name}`
    : `--${option.name} <${option.placeholder ?? option.type}>`;
}

function describe(option: OptionSpec): string {
  const kinds = [
    option.type === 'integer' || option.type === 'number'
      ? option.type
      : option.list === 'integer'
        ? 'comma-separated integers'
        : undefined,
    hasBounds(option) ? `${option.list ? 'each ' : ''}${describeBounds(option)}` : undefined,
  ].filter((kind) => kind !== undefined);
  const kind = kinds.length > 0 ? ` (${kinds.join(', ')})` : '';
  const choices = option.choices
    ? ` ${option.list ? 'Each one' : 'One'} of: ${option.choices.join(', ')}.`
    : '';
  return `${option.description}${kind}${choices}`;
}
