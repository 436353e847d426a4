import { describe, expect, it } from 'vitest';
import { expectStandaloneSvg, pathPoints } from './expect-svg.js';
import { chartGrid, lineChart } from './line-chart.js';

describe('lineChart', () => {
  it('draws each series as a path, on a log scale when asked', () => {
    const svg = lineChart({
      title: 'Gradient <norm> & "ratio"',
      series: [
        {
          name: 'a',
          points: [
            [0, 1],
            [1, 10],
            [2, 100],
          ],
        },
      ],
      yScale: 'log',
      width: 400,
      height: 300,
    });
    const [axis, line] = expectStandaloneSvg(svg);
    expect(axis).toMatch(/^M\d+,\d+V\d+H\d+$/);
    const [first, middle, last] = pathPoints(line);
    // 10 lies halfway between 1 and 100 on a log scale, and x = 1 halfway between 0 and 2
    expect(middle[1]).toBeCloseTo((first[1] + last[1]) / 2, 1);
    expect(middle[0]).toBeCloseTo((first[0] + last[0]) / 2, 1);
    expect(svg).toContain('width="400" height="300" viewBox="0 0 400 300"');
    expect(svg).toContain('Gradient &lt;norm&gt; &amp; &quot;ratio&quot;');
    expect(svg).toContain('>100</text>');
  });

  it('breaks a line where a value cannot be shown, and keeps the series colours and dashes', () => {
    const svg = lineChart({
      series: [
        {
          name: 'loss',
          points: [
            [1, 2],
            [2, Number.NaN],
            [3, 1],
            [4, 0.5],
          ],
        },
        {
          name: 'test',
          points: [
            [1, 2.5],
            [4, 1],
          ],
          dashed: true,
          color: '#123456',
        },
      ],
    });
    const [, loss, test] = expectStandaloneSvg(svg);
    expect(loss.match(/M/g)).toHaveLength(2);
    expect(pathPoints(loss)).toHaveLength(3);
    expect(svg).toContain('stroke="#0072B2"');
    expect(svg).toMatch(
      /<path d="[^"]*" fill="none" stroke="#123456" stroke-width="2" stroke-linejoin="round" stroke-dasharray="6 4">/,
    );
    expect(pathPoints(test)).toHaveLength(2);
    expect(svg.match(/<text [^>]*>(loss|test)<\/text>/g)).toHaveLength(2); // the legend
  });

  it('takes a theme for dark pages', () => {
    const svg = lineChart({
      series: [{ name: 'a', points: [[0, 1]] }],
      theme: { background: 'none', foreground: '#eeeeee' },
    });
    expectStandaloneSvg(svg);
    expect(svg).not.toContain('<rect width=');
    expect(svg).toContain('fill="#eeeeee"');
  });
});

describe('chartGrid', () => {
  it('lays charts out in rows of `columns`', () => {
    const chart = {
      series: [
        {
          name: 'a',
          points: [
            [0, 1],
            [1, 2],
          ] as const,
        },
      ],
      width: 300,
      height: 200,
    };
    const svg = chartGrid([chart, chart, chart], { columns: 2 });
    expectStandaloneSvg(svg);
    expect(svg).toContain('width="600" height="400"');
    expect(svg).toContain('<g transform="translate(300,0)">');
    expect(svg).toContain('<g transform="translate(0,200)">');
  });
});
