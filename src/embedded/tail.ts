import * as fs from 'node:fs';

/** How many lines of output or of a log file an error message quotes. */
export const TAIL_LINES = 30;

/** The last `count` lines of a text. */
export function lastLines(text: string, count = TAIL_LINES): string {
  return text.trimEnd().split(/\r?\n/).slice(-count).join('\n');
}

/** The last lines of a possibly large log file (reads at most its last 64 KiB); `(none)` when unreadable. */
export function tailFile(file: string): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const length = Math.min(size, 64 * 1024);
      const buffer = Buffer.alloc(length);
      fs.readSync(fd, buffer, 0, length, size - length);
      return lastLines(buffer.toString('utf8'));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '(none)';
  }
}
