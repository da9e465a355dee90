// The section's output: a table for people, one JSON line per figure for machines.
import { describeTarget, ratioOf, targetMet, type Figure } from './figures';
import type { Machine } from './machine';
import type { ThroughputSettings } from './settings';

function formatNumber(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

function row(figure: Figure): string[] {
  const ratio = ratioOf(figure);
  const met = targetMet(figure);
  const baseline =
    figure.baseline === undefined ? '–' : `${formatNumber(figure.baseline)} (${figure.baselineLabel})`;
  return [
    figure.figure + (figure.note ? ` [${figure.note}]` : ''),
    `${formatNumber(figure.ours)} ${figure.unit}`,
    baseline,
    ratio === undefined ? '–' : `${ratio.toFixed(2)}×`,
    describeTarget(figure.target, figure.unit),
    met === undefined ? '' : met ? 'yes' : 'NO',
  ];
}

function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function printReport(machine: Machine, settings: ThroughputSettings, figures: Figure[]): void {
  console.log(
    `\nThroughput: ${settings.jobs} jobs per figure, ${settings.concurrency} in flight; ` +
      `${machine.cpus} × ${machine.model}, ${machine.memoryGiB} GiB, node ${machine.node}, ` +
      `${machine.temporalCli}, ${machine.date} (load average before: ${machine.loadAverage.join(' ')})\n`,
  );
  const header = ['figure', 'ours', 'baseline', 'ratio', 'target', 'met?'];
  console.log(markdownTable(header, figures.map(row)));
  console.log('');
  console.log(JSON.stringify({ bench: 'throughput', machine, jobs: settings.jobs }));
  for (const figure of figures) {
    console.log(
      JSON.stringify({ bench: 'throughput', ...figure, ratio: ratioOf(figure), met: targetMet(figure) }),
    );
  }
}
