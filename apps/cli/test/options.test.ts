import { describe, expect, expectTypeOf, it } from 'vitest';
import { type Command, defineCommand } from '../src/command.js';
import {
  choice,
  describeBounds,
  flag,
  integer,
  integerList,
  nameList,
  number,
  type OptionSpec,
  type OptionValues,
  parsed,
  text,
} from '../src/options.js';
import { parseOptions } from '../src/parse-options.js';
import { UsageError } from '../src/usage-error.js';
import { recordingTerminal } from './recording-terminal.js';

/** The value `spec` reads from `raw` as `residual demo` does. */
function read<V>(spec: OptionSpec<string, V>, raw: string | boolean | undefined): V {
  return spec.read(raw, 'demo');
}

/** The one-line UsageError `spec` answers `raw` with. */
function refusal(spec: OptionSpec, raw: string | undefined): string {
  try {
    spec.read(raw, 'demo');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`--${spec.name} accepted '${raw}'`);
}

const description = 'test';

describe('option declarations', () => {
  it('flag: false unless given', () => {
    const json = flag('json', { description });
    expect(read(json, undefined)).toBe(false);
    expect(read(json, true)).toBe(true);
    // As run.json gives a stored flag back to a resumed run.
    expect(read(json, 'true')).toBe(true);
    expect(read(json, 'false')).toBe(false);
    expect(json).toMatchObject({ type: 'boolean', default: false });
  });

  it('text: the value, the default, or a refusal naming the required option', () => {
    expect(read(text('out', { description }), 'runs/a')).toBe('runs/a');
    expect(read(text('out', { description }), undefined)).toBeUndefined();
    expect(read(text('prompt', { description, default: '\n' }), undefined)).toBe('\n');
    expect(refusal(text('out', { description, required: true }), undefined)).toBe(
      "demo: --out is required. See 'residual demo --help'.",
    );
  });

  it('choice: one of its choices, else the accepted ones', () => {
    const split = choice('split', { description, choices: ['test', 'train'], default: 'test' });
    expect(read(split, 'train')).toBe('train');
    expect(read(split, undefined)).toBe('test');
    expect(refusal(split, 'val')).toBe("demo --split: 'val' is not one of test, train.");
  });

  it('integer: whole numbers within the bounds', () => {
    const epochs = integer('epochs', { description, min: 1 });
    expect(read(epochs, '3')).toBe(3);
    expect(read(epochs, ' 7 ')).toBe(7);
    expect(read(epochs, undefined)).toBeUndefined();
    expect(refusal(epochs, 'two')).toBe("demo --epochs: expected an integer, got 'two'.");
    expect(refusal(epochs, '1.5')).toBe("demo --epochs: expected an integer, got '1.5'.");
    expect(refusal(epochs, '')).toBe("demo --epochs: expected an integer, got ''.");
    expect(refusal(epochs, '99999999999999999999')).toMatch(/expected an integer/);
    expect(refusal(epochs, '0')).toBe('demo --epochs: must be at least 1, got 0.');
    const opset = integer('opset', { description, default: 13, min: 13, max: 21 });
    expect(read(opset, undefined)).toBe(13);
    expect(read(opset, '21')).toBe(21);
    expect(refusal(opset, '22')).toBe('demo --opset: must be from 13 to 21, got 22.');
    expect(read(integer('seed', { description, default: 0 }), '-5')).toBe(-5);
  });

  it('number: finite numbers within the bounds', () => {
    const lr = number('lr', { description, above: 0 });
    expect(read(lr, '1e-3')).toBe(0.001);
    for (const bad of ['fast', 'NaN', 'Infinity', '1e999', '', ' ']) {
      expect(refusal(lr, bad)).toBe(`demo --lr: expected a number, got '${bad}'.`);
    }
    expect(refusal(lr, '0')).toBe('demo --lr: must be positive, got 0.');
    const rate = number('drop-path-rate', { description, min: 0, below: 1 });
    expect(read(rate, '0')).toBe(0);
    expect(refusal(rate, '1')).toBe('demo --drop-path-rate: must be in [0, 1), got 1.');
    expect(refusal(rate, '-0.5')).toBe('demo --drop-path-rate: must be in [0, 1), got -0.5.');
  });

  it('integerList: comma-separated whole numbers within the bounds', () => {
    const depths = integerList('depths', { description, min: 1 });
    expect(read(depths, '20, 56,110')).toEqual([20, 56, 110]);
    expect(read(depths, undefined)).toBeUndefined();
    expect(refusal(depths, '20,deep')).toBe(
      "demo --depths: expected comma-separated integers, got 'deep'.",
    );
    expect(refusal(depths, '20,0')).toBe('demo --depths: must be at least 1, got 0.');
    expect(refusal(depths, ' , ')).toBe("demo --depths: give at least one, got ' , '.");
    const some = integerList('train-depths', { description, default: '110', empty: true });
    expect(read(some, undefined)).toEqual([110]);
    expect(read(some, '')).toEqual([]);
  });

  it('nameList: comma-separated names, each one of the choices', () => {
    const forms = nameList('forms', { description, choices: ['pre-ln', 'post-ln'] });
    expect(read(forms, 'post-ln,pre-ln')).toEqual(['post-ln', 'pre-ln']);
    expect(refusal(forms, 'pre-ln,sandwich')).toBe(
      "demo --forms: 'sandwich' is not one of pre-ln, post-ln.",
    );
    const models = nameList('models', { description, default: 'a,b' });
    expect(read(models, undefined)).toEqual(['a', 'b']);
    expect(read(models, 'anything')).toEqual(['anything']);
  });

  it('parsed: its own parser, for a given value and for the default', () => {
    const half = (value: string, where: string) => {
      if (!/^\d+$/.test(value)) throw new UsageError(`${where}: expected digits, got '${value}'.`);
      return Number(value) / 2;
    };
    const option = parsed('half', { description, default: '8' }, half);
    expect(read(option, undefined)).toBe(4);
    expect(read(option, '3')).toBe(1.5);
    expect(refusal(option, 'x')).toBe("demo --half: expected digits, got 'x'.");
  });

  it('describes bounds in words', () => {
    expect(describeBounds({ min: 1 })).toBe('at least 1');
    expect(describeBounds({ above: 0 })).toBe('positive');
    expect(describeBounds({ above: 2 })).toBe('greater than 2');
    expect(describeBounds({ max: 5 })).toBe('at most 5');
    expect(describeBounds({ below: 5 })).toBe('less than 5');
    expect(describeBounds({ min: 13, max: 21 })).toBe('from 13 to 21');
    expect(describeBounds({ above: 0, max: 1 })).toBe('in (0, 1]');
  });
});

describe('typed values', () => {
  const options = [
    flag('json', { description }),
    text('out', { description }),
    text('model-dir', { description, required: true }),
    choice('split', { description, choices: ['test', 'train'], default: 'test' }),
    choice('format', { description, choices: ['pth', 'onnx'] }),
    integer('batch-size', { description, default: 32, min: 1 }),
    number('lr', { description, above: 0 }),
    integerList('depths', { description }),
    nameList('forms', { description, choices: ['pre-ln', 'post-ln'] }),
    parsed('pair', { description }, (value) => [value, value] as const),
  ] as const;

  it('infers each value from its declaration, defaults and required options included', () => {
    expectTypeOf<OptionValues<typeof options>>().toEqualTypeOf<{
      json: boolean;
      out: string | undefined;
      'model-dir': string;
      split: 'test' | 'train';
      format: 'pth' | 'onnx' | undefined;
      'batch-size': number;
      lr: number | undefined;
      depths: number[] | undefined;
      forms: ('pre-ln' | 'post-ln')[] | undefined;
      pair: readonly [string, string] | undefined;
    }>();
  });

  it("hands a command's run its values, positionals included, converted and defaulted", async () => {
    let received: unknown;
    const command = defineCommand({
      name: 'demo',
      summary: '',
      description: '',
      options,
      positionals: [{ name: 'image', description, variadic: true }],
      examples: [],
      async run(values) {
        expectTypeOf(values.image).toEqualTypeOf<string[]>();
        expectTypeOf(values['batch-size']).toEqualTypeOf<number>();
        received = values;
        return 0;
      },
    });
    const values = parseOptions(
      'demo',
      command.options,
      ['--model-dir', 'm', '--lr', '0.5', '--depths', '2,4', 'a.png', 'b.png'],
      command.positionals,
    );
    // As main.ts runs it: any command, with what the parser hands over.
    const anyCommand: Command = command;
    expect(await anyCommand.run(values, recordingTerminal())).toBe(0);
    expect(received).toMatchObject({
      help: false,
      json: false,
      out: undefined,
      'model-dir': 'm',
      split: 'test',
      'batch-size': 32,
      lr: 0.5,
      depths: [2, 4],
      image: ['a.png', 'b.png'],
    });
  });

  it('names a bad value before a missing required option, and asks for neither with --help', () => {
    const args = ['--batch-size', '0', 'a.png'];
    expect(() => parseOptions('demo', options, args, [{ name: 'image', description }])).toThrow(
      'demo --batch-size: must be at least 1, got 0.',
    );
    expect(() =>
      parseOptions('demo', options, ['a.png'], [{ name: 'image', description }]),
    ).toThrow("demo: --model-dir is required. See 'residual demo --help'.");
    expect(parseOptions('demo', options, ['--help'])).toMatchObject({ help: true });
  });
});
