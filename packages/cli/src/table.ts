import type { OutputStream } from './io';

/** One column of a text table. */
export interface TableColumn {
  readonly header: string;
  /**
   * When the table is wider than the terminal, columns with a `shrink` give up width, the lowest value first (1: the
   * reason); within one value the widest first. Columns without it are never cut (ids to copy, times, counts).
   */
  readonly shrink?: number;
  /** The narrowest a shrinking column gets (default 10, never below its header). */
  readonly min?: number;
}

const GAP = '  ';

/**
 * The width a table may take on this stream: the terminal's columns on a TTY; none (full width) when piped, so
 * `grep` and files get every character.
 *
 * @example
 * renderColumns(columns, cells, tableWidth(io.stdout));
 */
export function tableWidth(stream: OutputStream): number | undefined {
  return stream.isTTY && typeof stream.columns === 'number' && stream.columns > 0 ? stream.columns : undefined;
}

/**
 * A text table: columns padded, two spaces apart, each cell on one line. With `maxWidth`, shrinking columns are cut
 * (with `…`) until the lines fit, but none below its minimum — a terminal too narrow for even those wraps.
 *
 * @example
 * renderColumns([{ header: 'ID' }, { header: 'REASON', shrink: 1 }], [['okta:1', 'ServerError: …']], 80);
 */
export function renderColumns(
  columns: readonly TableColumn[],
  rows: readonly (readonly string[])[],
  maxWidth?: number,
): string {
  const cells = rows.map((row) => columns.map((_, i) => oneLine(row[i] ?? '')));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  if (maxWidth !== undefined) fit(columns, widths, maxWidth);
  const render = (values: readonly string[]) =>
    values
      .map((v, i) => {
        const cut = cutTo(v, widths[i]!);
        return i === values.length - 1 ? cut : cut.padEnd(widths[i]!);
      })
      .join(GAP)
      .trimEnd();
  return `${[render(columns.map((c) => c.header)), ...cells.map(render)].join('\n')}\n`;
}

/** Narrows the shrinking columns, one character at a time from the widest of the first group that still can. */
function fit(columns: readonly TableColumn[], widths: number[], maxWidth: number): void {
  const total = () => widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1);
  const floor = (i: number) => Math.max(columns[i]!.header.length, columns[i]!.min ?? 10);
  const groups = [...new Set(columns.map((c) => c.shrink).filter((s): s is number => s !== undefined))].sort(
    (a, b) => a - b,
  );
  for (const group of groups) {
    const members = columns.flatMap((c, i) => (c.shrink === group ? [i] : []));
    while (total() > maxWidth) {
      const widest = members
        .filter((i) => widths[i]! > floor(i))
        .sort((a, b) => widths[b]! - widths[a]!)
        .at(0);
      if (widest === undefined) break;
      widths[widest]!--;
    }
    if (total() <= maxWidth) return;
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}

function cutTo(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}
