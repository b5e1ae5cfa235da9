/** Where a command writes: standard output (results) and standard error (problems). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

type Cell = string | number | boolean | null | undefined;

function show(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value).replace(/[\r\n\t]+/g, ' ');
}

/** A plain-text table: a header, a rule, one row per line, columns padded to line up. */
export function table(
  headers: readonly string[],
  rows: ReadonlyArray<readonly Cell[]>,
  empty = '(none)',
): string {
  if (rows.length === 0) return `${empty}\n`;
  const cells = [headers.map(String), ...rows.map((row) => row.map(show))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[line(cells[0]!), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n')}\n`;
}

/** `label: value` lines, labels padded. */
export function details(pairs: ReadonlyArray<readonly [string, Cell]>): string {
  const width = Math.max(...pairs.map(([label]) => label.length));
  return `${pairs.map(([label, value]) => `${`${label}:`.padEnd(width + 1)} ${show(value)}`.trimEnd()).join('\n')}\n`;
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
