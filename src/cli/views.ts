// What the command line shows: progress on stderr (a redrawn bar on a terminal, a line per step
// otherwise), and aligned tables on stdout.
import type { JobStatusBody } from './api-client';

const BAR_WIDTH = 30;

function bar(fraction: number): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** One line redrawn in place on a terminal; elsewhere each new line is printed once. */
class StatusLine {
  private drawn = false;
  private last = '';

  constructor(private readonly out: NodeJS.WriteStream) {}

  show(line: string, barPrefix: string): void {
    if (this.out.isTTY) {
      this.out.write(`\r${barPrefix} ${line}\x1b[K`);
      this.drawn = true;
    } else if (line !== this.last) {
      this.out.write(`${line}\n`);
    }
    this.last = line;
  }

  end(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}

export class JobProgressView {
  private readonly line: StatusLine;

  constructor(out: NodeJS.WriteStream = process.stderr) {
    this.line = new StatusLine(out);
  }

  update(status: JobStatusBody): void {
    const percent = Math.max(0, Math.min(100, Math.round(status.progress)));
    const label = `${String(percent).padStart(3)}% ${status.state}${status.stage ? ` (${status.stage})` : ''}`;
    this.line.show(label, bar(percent / 100));
  }

  note(message: string): void {
    this.line.end();
    process.stderr.write(`${message}\n`);
  }

  done(): void {
    this.line.end();
  }
}

/**
 * Bytes sent and the rate. Off a terminal a line is printed at each tenth of the file, so a log
 * shows that the upload moves without a line per chunk.
 */
export class TransferView {
  private readonly line: StatusLine;
  private readonly startedAt = Date.now();
  private lastDrawAt = 0;
  private lastTenth = -1;

  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.line = new StatusLine(out);
  }

  update(sent: number): void {
    const now = Date.now();
    const tenth = this.total === 0 ? 10 : Math.floor((sent / this.total) * 10);
    const due = this.out.isTTY ? now - this.lastDrawAt >= 100 || sent === this.total : tenth > this.lastTenth;
    if (!due) return;
    this.lastDrawAt = now;
    this.lastTenth = tenth;
    const seconds = Math.max((now - this.startedAt) / 1000, 0.001);
    const percent = this.total === 0 ? 100 : Math.floor((sent / this.total) * 100);
    this.line.show(
      `uploading ${String(percent).padStart(3)}% ${formatBytes(sent)} of ${formatBytes(this.total)}, ${formatBytes(Math.round(sent / seconds))}/s`,
      bar(this.total === 0 ? 1 : sent / this.total),
    );
  }

  done(): void {
    this.line.end();
  }
}

/** Columns padded to their widest cell, under a header; the last column is left ragged. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const format = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [format(header), ...rows.map(format)].join('\n');
}

export function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
