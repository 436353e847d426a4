import { afterAll, describe, expect, it } from 'vitest';
import { timeTorchConv } from './kernels.js';
import {
  SEGMENTATION_CLASSES,
  type TorchNetworkTiming,
  timeTorchNetwork,
  trainableParameters,
} from './networks.js';
import { parseOptions } from './options.js';
import { DEBIAN_PYTHON } from './torch.js';
import {
  LAYOUTS,
  peerLabel,
  startPeers,
  type TorchPeer,
  torchPythons,
  torchRuns,
  VENV_PYTHON,
} from './torch-peers.js';

const REQUIRE_PYTHON = process.env.CI === 'true' || process.env.RESIDUAL_REQUIRE_PYTHON === '1';

describe('which PyTorch peers pnpm bench measures', () => {
  const none = () => false;
  const all = () => true;

  it('defaults to Debian’s Python, plus .venv-torch when it exists', () => {
    expect(torchPythons(undefined, undefined, none)).toEqual([DEBIAN_PYTHON]);
    expect(torchPythons(undefined, '', all)).toEqual([DEBIAN_PYTHON, VENV_PYTHON]);
    expect(VENV_PYTHON.endsWith('/.venv-torch/bin/python')).toBe(true);
  });

  it('takes --torch-python before RESIDUAL_TORCH_PYTHON, resolving paths once each', () => {
    expect(torchPythons('/a/python,/b/python,/a/python', '/c/python', all)).toEqual([
      '/a/python',
      '/b/python',
    ]);
    expect(torchPythons(undefined, '/c/python', all)).toEqual(['/c/python']);
    expect(torchPythons('venv/bin/python', undefined, all)).toEqual([
      `${process.cwd()}/venv/bin/python`,
    ]);
  });

  it('refuses an interpreter named explicitly that does not exist, naming it and its source', () => {
    const exists = (path: string) => path === DEBIAN_PYTHON;
    expect(() => torchPythons(`${DEBIAN_PYTHON},/nowhere/python`, undefined, exists)).toThrow(
      /^--torch-python: no interpreter at "\/nowhere\/python" \(create one with `python3 -m venv/,
    );
    expect(() => torchPythons(undefined, '/nowhere/python', exists)).toThrow(
      /^RESIDUAL_TORCH_PYTHON: no interpreter at "\/nowhere\/python"/,
    );
    expect(() => torchPythons(',', undefined, all)).toThrow(/^--torch-python: expected Python/);
  });

  it('parses the option into BenchOptions, and bad options as one-line user errors', () => {
    const options = parseOptions(['--torch-python', DEBIAN_PYTHON, '--quick'], {});
    expect(options?.torchPythons).toEqual([DEBIAN_PYTHON]);
    expect(() => parseOptions(['--torch-python', '/nowhere/python'], {})).toThrow(
      expect.objectContaining({ isResidualError: true }),
    );
    expect(() => parseOptions(['--torch'], {})).toThrow(
      expect.objectContaining({ isResidualError: true, message: expect.stringMatching(/--help/) }),
    );
  });

  it('labels peers by major.minor version and keys each run by peer, layout and threads', () => {
    expect(peerLabel('1.13.0a0')).toBe('PyTorch 1.13');
    expect(peerLabel('2.13.0+cpu')).toBe('PyTorch 2.13');
    const peers = [{ label: 'PyTorch 1.13' }, { label: 'PyTorch 2.13' }] as TorchPeer[];
    expect(torchRuns(peers, LAYOUTS, [1, 2]).map((run) => run.key)).toEqual([
      'PyTorch 1.13 NCHW×1',
      'PyTorch 1.13 NCHW×2',
      'PyTorch 1.13 channels_last×1',
      'PyTorch 1.13 channels_last×2',
      'PyTorch 2.13 NCHW×1',
      'PyTorch 2.13 NCHW×2',
      'PyTorch 2.13 channels_last×1',
      'PyTorch 2.13 channels_last×2',
    ]);
    expect(torchRuns(peers, [undefined], [1]).map((run) => run.key)).toEqual([
      'PyTorch 1.13×1',
      'PyTorch 2.13×1',
    ]);
  });
});

// The peers this machine has (RESIDUAL_TORCH_PYTHON, else Debian's and .venv-torch). CI installs
// only Debian's python3-torch, so it requires one peer, not every one.
const { peers, skipped } = startPeers(torchPythons(undefined, process.env.RESIDUAL_TORCH_PYTHON));
for (const { python, reason } of skipped)
  console.warn(`SKIPPED (PyTorch peer ${python}): ${reason}`);
if (peers.length === 0 && REQUIRE_PYTHON) {
  throw new Error('CI=true or RESIDUAL_REQUIRE_PYTHON=1, but no PyTorch peer can import torch.');
}
afterAll(() => {
  for (const peer of peers) peer.worker.close();
});

describe.each(peers.map((peer) => [peer.label, peer] as const))('the %s worker', (_, peer) => {
  it('times a network step and a convolution in both layouts', async () => {
    const c = { model: 'cifar_resnet20', batch: 2, size: 8, classes: 10 };
    for (const layout of LAYOUTS) {
      for (const mode of ['train', 'infer-folded'] as const) {
        const timing = await timeTorchNetwork(peer.worker, { ...c, mode }, layout, 1, 0, 1);
        expect(timing, `${mode} ${layout}`).toMatchObject({ seconds: expect.any(Number) });
        expect((timing as TorchNetworkTiming).seconds).toBeGreaterThan(0);
      }
      const shape = { network: 'tiny', batch: 2, size: 8, inChannels: 4, outChannels: 4 };
      const conv = { ...shape, kernel: 3, stride: 2 };
      expect(await timeTorchConv(peer.worker, conv, 'filter', layout, 1, 0)).toBeGreaterThan(0);
    }
  }, 60_000);

  it('trains the same U-Net as ours (equal trainable parameters) on per-pixel classes', async () => {
    const c = {
      model: 'unet_resnet18',
      mode: 'train',
      // Two images: batch norm in training needs more than one value per channel at 1×1.
      batch: 2,
      size: 32,
      classes: SEGMENTATION_CLASSES,
    } as const;
    const timing = await timeTorchNetwork(peer.worker, c, 'channels_last', 1, 0, 1);
    expect(timing).toEqual({
      seconds: expect.any(Number),
      trainableParameters: trainableParameters(c),
    });
  }, 60_000);

  it('says why it has no counterpart of a network', async () => {
    const c = { model: 'unet_resnet50', mode: 'train', batch: 1, size: 32, classes: 4 } as const;
    expect(await timeTorchNetwork(peer.worker, c, 'NCHW', 1, 0, 1)).toBe(
      'no PyTorch counterpart for unet_resnet50',
    );
  });
});
