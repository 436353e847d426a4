import { describe, expect, it } from 'vitest';
import { run } from '../src/main.js';
import { recordingTerminal } from './recording-terminal.js';

describe('residual summary <model>', () => {
  it('prints every layer and the totals', async () => {
    const terminal = recordingTerminal();
    expect(await run(['summary', 'cifar_resnet20'], terminal)).toBe(0);
    expect(terminal.stdout).toMatch(/stage2_block1_1_conv\s+Conv2D\s+16×16×32\s+4,608\s+1,179,648/);
    expect(terminal.stdout).toMatch(/trainable params\s+269,722\n/);
    expect(terminal.stdout).toMatch(/total params\s+271,098\n/);
    expect(terminal.stdout).toMatch(/MACs per image\s+40,551,040 \(40\.6 M\)\n/);
  });

  it('takes model options and prints JSON', async () => {
    const terminal = recordingTerminal();
    const args = [
      'summary',
      'cifar_resnet8',
      '--input-shape',
      '28,28,1',
      '--num-classes',
      '7',
      '--json',
    ];
    expect(await run(args, terminal)).toBe(0);
    const summary = JSON.parse(terminal.stdout);
    expect(summary.inputShape).toEqual([28, 28, 1]);
    expect(summary.layers.at(-1)).toMatchObject({
      name: 'logits',
      outputShapes: [[7]],
      params: 64 * 7 + 7,
    });
    // a 3×3 stem over 1 channel instead of 3, and 7 logits instead of 10
    expect(summary.trainable).toBe(75_290 - (27 - 9) * 16 - 65 * (10 - 7));
    expect(summary.reference.url).toBe('https://arxiv.org/abs/1512.03385');
  });

  it("shows every stage's feature map with --features", async () => {
    const terminal = recordingTerminal();
    expect(await run(['summary', 'cifar_resnet8', '--features', '--json'], terminal)).toBe(0);
    const { layers } = JSON.parse(terminal.stdout) as { layers: { name: string }[] };
    expect(layers.at(-1)?.name).toBe('stage3_block1_out');
    expect(layers.some((l) => l.name === 'logits')).toBe(false);
  });

  it('an unknown model is a user error that lists the known ones', async () => {
    const terminal = recordingTerminal();
    expect(await run(['summary', 'resnet51'], terminal)).toBe(2);
    expect(terminal.stderr).toMatch(
      /^residual: Unknown model "resnet51"\. Known: cifar_resnet8, .*\.\n$/,
    );
  });

  it('its help names the positional argument', async () => {
    const terminal = recordingTerminal();
    expect(await run(['summary', '--help'], terminal)).toBe(0);
    expect(terminal.stdout).toMatch(/^Usage: residual summary <model> \[options\]/);
    expect(terminal.stdout).toMatch(/Arguments:\n {2}<model> +Architecture from the registry/);
  });
});
