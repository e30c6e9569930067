/** A CSV cell: text, a number, a yes/no, or empty (null). */
export type Cell = string | number | boolean | null;

/**
 * One cell as RFC 4180 writes it: quoted when it holds a quote, a comma or a line break, quotes doubled.
 * Text that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return)
 * gets a leading apostrophe (OWASP's advice on CSV injection): names and titles come from curators, and
 * an analyst opens the file in a spreadsheet. Numbers are written as they are.
 */
export function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header row and the rows under it, as CSV text (CRLF line ends, as RFC 4180 has them). */
export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
