/**
 * Text from code (descriptions, option help) made safe for VitePress markdown, which compiles
 * pages to Vue templates: `{{` would be evaluated, `<` opens a tag, `|` splits a table cell.
 */
export function escapeText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\{\{/g, '&#123;&#123;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
}

/** Inline code that is safe in a table cell (VitePress keeps code spans verbatim). */
export function code(text: string): string {
  return `\`${text.replace(/\|/g, '\\|').replace(/`/g, 'ˋ')}\``;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function fence(language: string, body: string): string {
  return `\`\`\`${language}\n${body.trimEnd()}\n\`\`\``;
}

/** 269722 → "269,722". */
export function integer(value: number): string {
  return value.toLocaleString('en-US');
}

/** 4_089_184_256 → "4.09 G", 40_550_000 → "40.6 M". */
export function compact(value: number): string {
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, unit] of units) {
    if (Math.abs(value) >= size) return `${(value / size).toPrecision(3)} ${unit}`;
  }
  return String(value);
}

/** The heading anchor VitePress gives `text` (its default slugify, for plain ASCII names). */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_\s-]/g, '')
    .trim()
    .replace(/\s+/g, '-');
}
