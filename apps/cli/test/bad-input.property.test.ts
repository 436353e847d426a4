// Every command and every option it declares, generically (a command added to COMMANDS is
// covered without touching this file): malformed, out-of-range, missing and contradictory
// values, unknown options, and output folders that cannot be written or are not empty. Each is
// answered within seconds by one line naming the option or path, exit status 2, no stack
// trace, and nothing written.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command, OptionSpec } from '../src/command.js';
import { COMMANDS } from '../src/commands/index.js';
import { run } from '../src/main.js';
import { recordingTerminal } from './recording-terminal.js';

/** Options whose every integer is valid (a seed); everywhere else a negative count is wrong. */
const ANY_INTEGER = new Set(['seed']);
/** Positional values that exist, so that an option's own check is what answers. */
const VALID_POSITIONALS: Record<string, string> = { model: 'cifar_resnet8' };

let cwd = '';
let home = '';
const startDir = process.cwd();
beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'residual-bad-input-'));
  home = mkdtempSync(join(tmpdir(), 'residual-bad-input-home-'));
  process.chdir(cwd);
  process.env.RESIDUAL_DATA_DIR = join(home, 'data');
});
afterAll(() => {
  process.chdir(startDir);
  rmSync(cwd, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

function positionals(command: Command): string[] {
  return (command.positionals ?? []).map((p) => VALID_POSITIONALS[p.name] ?? 'no-such-thing');
}

/** Runs `args` and checks the answer: exit 2, one line naming `names` (any of), nothing written. */
async function expectRefused(args: string[], names: string[]): Promise<void> {
  const before = readdirSync(cwd);
  const terminal = recordingTerminal();
  const started = performance.now();
  const status = await Promise.race([
    run(args, terminal),
    new Promise<string>((resolve) => setTimeout(() => resolve('no answer in 20 s'), 20_000)),
  ]);
  const context = `residual ${args.join(' ')}\n${terminal.stderr}`;
  expect(status, context).toBe(2);
  expect(performance.now() - started, context).toBeLessThan(20_000);
  expect(terminal.stdout, context).toBe('');
  const lines = terminal.stderr.trimEnd().split('\n');
  expect(lines, context).toHaveLength(1);
  expect(lines[0], context).toMatch(/^residual: /);
  expect(lines[0], context).not.toMatch(/internal error|\n\s+at /);
  // Or a required option is missing (e.g. eval's --model-dir): named, and checked first.
  expect(
    names.some((name) => lines[0].includes(name)) || / --[a-z-]+ is required\./.test(lines[0]),
    `${context}\nnames none of ${names.join(', ')}`,
  ).toBe(true);
  expect(readdirSync(cwd), `${context}\nwrote into the working directory`).toEqual(before);
}

/** The items of a list option's value, as the option splits them. */
function listItems(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** A value that is not of the option's type (or not one of its choices). */
function malformed(spec: OptionSpec): fc.Arbitrary<string> {
  const text = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !s.startsWith('-'));
  if (spec.list === 'integer') {
    return text.filter((s) => listItems(s).every((item) => /^-?\d+$/.test(item)) === false);
  }
  if (spec.list === 'name') {
    const choices = spec.choices ?? [];
    return text.filter((s) => !listItems(s).every((item) => choices.includes(item)));
  }
  switch (spec.type) {
    case 'integer':
      return fc.oneof(
        text.filter((s) => !/^\s*-?\d+\s*$/.test(s)),
        fc.double({ noInteger: true, noDefaultInfinity: true, noNaN: true }).map(String),
        fc.constant('99999999999999999999'),
      );
    case 'number':
      return fc.oneof(
        text.filter((s) => s.trim() === '' || !Number.isFinite(Number(s))),
        fc.constantFrom('NaN', 'Infinity', '1e999', '0x', ''),
      );
    default:
      return text.filter((s) => spec.choices !== undefined && !spec.choices.includes(s));
  }
}

/** Values just outside the option's declared range, one per bound. */
function outOfRange(spec: OptionSpec): string[] {
  return [
    spec.min === undefined ? undefined : spec.min - 1,
    spec.above,
    spec.max === undefined ? undefined : spec.max + 1,
    spec.below,
  ]
    .filter((value) => value !== undefined)
    .map(String);
}

const CASES = COMMANDS.flatMap((command) =>
  command.options.map((spec) => [command.name, spec.name, command, spec] as const),
);

describe.each(CASES)('residual %s --%s', (_command, _option, command, spec) => {
  const option = `--${spec.name}`;

  // Tests only where they apply: a boolean takes no value, a free-form string has no type.
  const numeric = spec.type === 'integer' || spec.type === 'number' || spec.list === 'integer';
  const typed = numeric || spec.choices !== undefined;
  if (typed)
    it('refuses a malformed value', async () => {
      await fc.assert(
        fc.asyncProperty(malformed(spec), async (value) => {
          await expectRefused(
            [command.name, ...positionals(command), `${option}=${value}`],
            [option],
          );
        }),
        { numRuns: 8, seed: 1 },
      );
    });

  if (numeric && !ANY_INTEGER.has(spec.name)) {
    it('declares its range: nothing below zero', () => {
      expect(
        spec.min ?? spec.above,
        `--${spec.name} declares no lower bound`,
      ).toBeGreaterThanOrEqual(0);
    });

    it('refuses a value just outside its declared range', async () => {
      for (const value of outOfRange(spec)) {
        await expectRefused(
          [command.name, ...positionals(command), `${option}=${value}`],
          [option],
        );
      }
    });

    it('refuses a negative value, given as the next argument', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: -1_000_000, max: -1 }), async (value) => {
          await expectRefused(
            [command.name, ...positionals(command), option, String(value)],
            [option],
          );
        }),
        { numRuns: 3, seed: 1 },
      );
    });
  }

  if (spec.type === 'boolean')
    it('refuses a value given to a flag', async () => {
      await expectRefused([command.name, ...positionals(command), `${option}=yes`], [option]);
    });

  if (spec.type !== 'boolean')
    it('refuses the option without its value', async () => {
      await expectRefused([command.name, ...positionals(command), option], [option]);
    });

  if (spec.name === 'out')
    it('refuses an output folder it cannot create or write, or one already used', async () => {
      const used = join(home, 'used');
      mkdirSync(used, { recursive: true });
      writeFileSync(join(used, 'notes.txt'), 'mine');
      const file = join(home, 'a-file');
      writeFileSync(file, '');
      for (const path of [
        '/proc/residual-x',
        '/proc/residual-x/y',
        '/sys/residual-x',
        file,
        used,
      ]) {
        await expectRefused([command.name, ...positionals(command), option, path], [path]);
      }
      expect(readdirSync(used)).toEqual(['notes.txt']);
    });
});

describe.each(COMMANDS.map((c) => [c.name, c] as const))('residual %s', (_name, command) => {
  it('refuses an unknown option', async () => {
    await expectRefused(
      [command.name, ...positionals(command), '--no-such-option'],
      ['--no-such-option'],
    );
  });

  if ((command.positionals ?? []).length > 0)
    it('refuses a missing argument', async () => {
      await expectRefused(
        [command.name],
        (command.positionals ?? []).map((p) => `<${p.name}>`),
      );
    });
});

it('refuses contradictory options: train --resume with another --out', async () => {
  await expectRefused(
    ['train', '--resume', join(home, 'a'), '--out', join(home, 'b')],
    ['--resume'],
  );
});

it('refuses a run.json it would resume from that says what the command line refuses', async () => {
  const dir = join(home, 'damaged-run');
  mkdirSync(dir, { recursive: true });
  const config = { model: 'cifar_resnet8', dataset: 'digits', recipe: 'quick', epochs: 0, seed: 0 };
  writeFileSync(
    join(dir, 'run.json'),
    JSON.stringify({ format: 'residual-run', version: 1, config }),
  );
  await expectRefused(['train', '--resume', dir], [`${dir}/run.json: --epochs`]);
  const terminal = recordingTerminal();
  await run(['train', '--resume', dir], terminal);
  expect(terminal.stderr).toBe(
    `residual: train --resume: ${dir}/run.json: --epochs: must be at least 1, got 0.\n`,
  );
});
