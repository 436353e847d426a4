import { expect } from 'vitest';

/**
 * Test helper: asserts that `svg` is one standalone, well-formed SVG document (balanced tags,
 * escaped text) and returns the `d` attribute of each of its paths, in order.
 */
export function expectStandaloneSvg(svg: string): string[] {
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" ')).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  const open: string[] = [];
  for (const match of svg.matchAll(/<(\/?)([a-zA-Z]+)\b[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = match;
    if (selfClosing) continue;
    if (closing) expect(open.pop()).toBe(name);
    else open.push(name);
  }
  expect(open).toEqual([]);
  expect(svg).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#39;)/);
  return [...svg.matchAll(/<path d="([^"]*)"/g)].map((m) => m[1]);
}

/** The [x, y] points of a path's `d` attribute (M and L commands). */
export function pathPoints(d: string): number[][] {
  return [...d.matchAll(/[ML]([-\d.]+),([-\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}
