import { describe, expect, it } from 'vitest';
import type { DepthStudy } from '../depth-study.js';
import { depthStudyChart } from './depth-study-chart.js';
import { expectStandaloneSvg, pathPoints } from './expect-svg.js';
import { gradientNormChart } from './gradient-norm-chart.js';
import { trainingCurvesChart } from './training-curves-chart.js';

const LAYERS = [
  { name: 'stem_conv', className: 'Conv2D', gradientNorm: 100 },
  { name: 'stem_bn', className: 'BatchNormalization', gradientNorm: 3 },
  { name: 'block1_1_conv', className: 'Conv2D', gradientNorm: 10 },
  { name: 'logits', className: 'Dense', gradientNorm: 1 },
];

describe('trainingCurvesChart', () => {
  it('plots loss and accuracy per epoch, held-out curves when the history has them', () => {
    const history = [
      { epoch: 0, loss: 1.2, accuracy: 0.6, testLoss: 1.3, testAccuracy: 0.55 },
      { epoch: 1, loss: 0.7, accuracy: 0.8, testLoss: 0.9, testAccuracy: 0.7 },
    ];
    const paths = expectStandaloneSvg(trainingCurvesChart(history, { title: 'r8' }));
    expect(paths.filter((d) => d.includes('L'))).toHaveLength(4); // the axes are drawn with V and H
    const svg = trainingCurvesChart(
      history.map(({ epoch, loss, accuracy }) => ({ epoch, loss, accuracy })),
    );
    expect(expectStandaloneSvg(svg).filter((d) => !d.includes('V'))).toHaveLength(2);
    expect(svg).toContain('>accuracy (%)</text>');
  });
});

describe('gradientNormChart', () => {
  it('plots the convolutions by default, every layer when asked, on a log scale', () => {
    const paths = expectStandaloneSvg(gradientNormChart([{ name: 'net', layers: LAYERS }]));
    const [first, second] = pathPoints(paths[1]);
    expect(pathPoints(paths[1])).toHaveLength(2);
    expect(first[1]).toBeLessThan(second[1]); // 100 sits above 10
    const all = expectStandaloneSvg(
      gradientNormChart([{ name: 'net', layers: LAYERS }], { layers: 'all' }),
    );
    expect(pathPoints(all[1])).toHaveLength(4);
  });
});

describe('depthStudyChart', () => {
  const run = (family: string, depth: number, trained: boolean) => {
    const snapshot = {
      loss: 2,
      firstConv: 'stem_conv',
      lastConv: 'block1_1_conv',
      firstToLastRatio: 10,
      layers: LAYERS,
    };
    return {
      family,
      depth,
      model: `${family}${depth}`,
      trainableParams: 1,
      initial: snapshot,
      trained: trained ? snapshot : null,
      losses: trained ? [2, 1.5, 1] : [],
      finalLoss: trained ? 1.5 : Number.NaN,
      diverged: false,
    };
  };

  it('shows the gradients at initialisation, after training and the loss curves', () => {
    const study: DepthStudy = {
      steps: 3,
      learningRate: 0.05,
      momentum: 0.9,
      batchSize: 32,
      runs: [run('res', 8, true), run('plain', 8, true)],
    };
    const svg = depthStudyChart(study);
    const paths = expectStandaloneSvg(svg);
    expect(paths.filter((d) => d.includes('V'))).toHaveLength(3); // three charts
    expect(svg).toContain('Gradient norm per convolution after 3 steps');
    expect(svg.match(/stroke-dasharray/g)?.length).toBeGreaterThanOrEqual(3); // plain is dashed
  });

  it('shows only the initial gradients without training', () => {
    const study: DepthStudy = {
      steps: 0,
      learningRate: 0.05,
      momentum: 0.9,
      batchSize: 32,
      runs: [run('res', 8, false)],
    };
    expect(expectStandaloneSvg(depthStudyChart(study)).filter((d) => d.includes('V'))).toHaveLength(
      1,
    );
  });
});
