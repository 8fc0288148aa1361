/**
 * What a terminal shows after receiving `output`: enough of a VT100 to replay what cli-progress and the CLI write
 * (text, `\r`, `\n` as the tty's onlcr turns it into CR LF, ESC 7/8 save and restore, CSI G/A/B/C/D moves, CSI K and J
 * clears; modes such as hiding the cursor are ignored). Returns the screen's lines, trailing spaces trimmed.
 *
 * @example
 * terminalScreen('abc\rX') // ['Xbc']
 */
export function terminalScreen(output: string): string[] {
  const lines: string[][] = [[]];
  let row = 0;
  let col = 0;
  let saved = { row: 0, col: 0 };
  const line = () => {
    while (lines.length <= row) lines.push([]);
    return lines[row]!;
  };
  let i = 0;
  while (i < output.length) {
    const ch = output[i]!;
    if (ch === '\x1b') {
      const next = output[i + 1];
      if (next === '7') {
        saved = { row, col };
        i += 2;
        continue;
      }
      if (next === '8') {
        ({ row, col } = saved);
        i += 2;
        continue;
      }
      if (next === '[') {
        // After ESC: `[`, an optional `?` (a private mode), parameters, the command letter.
        const match = /^\[(\??)([\d;]*)([A-Za-z])/.exec(output.slice(i + 1));
        if (!match) throw new Error(`unknown escape at ${i}: ${JSON.stringify(output.slice(i, i + 8))}`);
        const [all, privateMode, params, command] = match;
        const n = params === '' ? undefined : Number(params!.split(';')[0]);
        if (!privateMode) {
          if (command === 'G') col = (n ?? 1) - 1;
          else if (command === 'A') row = Math.max(0, row - (n ?? 1));
          else if (command === 'B') row += n ?? 1;
          else if (command === 'C') col += n ?? 1;
          else if (command === 'D') col = Math.max(0, col - (n ?? 1));
          else if (command === 'K') {
            const cells = line();
            if ((n ?? 0) === 0) cells.length = Math.min(cells.length, col);
            else if (n === 1) for (let c = 0; c <= col && c < cells.length; c++) cells[c] = ' ';
            else cells.length = 0;
          } else if (command === 'J') {
            line().length = Math.min(line().length, col);
            lines.length = row + 1;
          }
        }
        i += 1 + all!.length;
        continue;
      }
      throw new Error(`unknown escape at ${i}: ${JSON.stringify(output.slice(i, i + 8))}`);
    }
    if (ch === '\n') {
      row++;
      col = 0;
      line();
    } else if (ch === '\r') {
      col = 0;
    } else {
      const cells = line();
      while (cells.length < col) cells.push(' ');
      cells[col] = ch;
      col++;
    }
    i++;
  }
  return lines.map((cells) => cells.join('').trimEnd());
}
