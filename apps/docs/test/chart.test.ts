import { describe, expect, it } from 'vitest';
import { layoutChart } from '../src/chart.js';

describe('layoutChart', () => {
  it('frames a loss curve by its own range, not from zero', () => {
    const layout = layoutChart(
      [
        {
          label: 'loss',
          color: 'red',
          points: [
            [1, 2.4],
            [2, 2.2],
          ],
        },
      ],
      {
        width: 300,
        height: 200,
      },
    );
    expect(layout.yTicks.map((t) => t.label)).toEqual(['2.2', '2.25', '2.3', '2.35', '2.4']);
  });

  it('maps the data into the plot box, one path point per finite value', () => {
    const layout = layoutChart(
      [
        {
          label: 'a',
          color: 'red',
          points: [
            [1, 2],
            [2, 1],
            [3, Number.NaN],
          ],
        },
      ],
      { width: 400, height: 200, xDomain: [1, 3] },
    );
    const { left, top, width, height } = layout.plot;
    expect(layout.lines[0].count).toBe(2);
    const [first, second] = layout.lines[0].path.split('L');
    const [x0, y0] = first.slice(1).split(',').map(Number);
    const [x1, y1] = second.split(',').map(Number);
    expect(x0).toBeCloseTo(left);
    expect(x1).toBeCloseTo(left + width / 2);
    expect(y1).toBeGreaterThan(y0); // smaller values lower down
    expect(y0).toBeGreaterThanOrEqual(top);
    expect(y1).toBeLessThanOrEqual(top + height);
  });

  it('puts log-scale ticks at powers of ten', () => {
    const layout = layoutChart(
      [
        {
          label: 'g',
          color: 'blue',
          points: [
            [1, 0.003],
            [2, 40],
          ],
        },
      ],
      {
        width: 300,
        height: 200,
        logY: true,
      },
    );
    expect(layout.yTicks.map((t) => t.label)).toEqual(['0.001', '0.01', '0.1', '1', '10', '100']);
  });
});

describe('the x axis', () => {
  it('covers the data and xDomain exactly, with round ticks inside', () => {
    const layout = layoutChart([{ label: 'loss', color: 'red', points: [[3, 1]] }], {
      width: 352,
      height: 200,
      xDomain: [1, 30],
    });
    expect(layout.xTicks.map((t) => t.label)).toEqual(['10', '20', '30']);
    expect(layout.xTicks[2].at).toBeCloseTo(layout.plot.left + layout.plot.width);
  });

  it('names categories instead, thinned so they do not overlap', () => {
    const labels = Array.from({ length: 20 }, (_, i) => `layer${i}`);
    const layout = layoutChart([{ label: 'g', color: 'blue', points: [[0, 1]] }], {
      width: 400,
      height: 200,
      xDomain: [0, 19],
      xLabels: labels,
    });
    expect(layout.xTicks.map((t) => t.label)).toEqual(['layer0', 'layer5', 'layer10', 'layer15']);
  });
});
