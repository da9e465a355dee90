// One measured figure: ours beside its baseline, and the target for it.

export type Target =
  { kind: 'ratio-at-least'; value: number } | { kind: 'at-most'; value: number } | { kind: 'none' };

export interface Figure {
  id: string;
  figure: string;
  unit: string;
  ours: number;
  baseline?: number;
  baselineLabel?: string;
  target: Target;
  /** What the reader needs besides the numbers: p99, failures, a timeout. */
  note?: string;
}

export function ratioOf(figure: Figure): number | undefined {
  if (figure.baseline === undefined || figure.baseline === 0) return undefined;
  return figure.ours / figure.baseline;
}

export function targetMet(figure: Figure): boolean | undefined {
  const { target } = figure;
  if (target.kind === 'none') return undefined;
  if (target.kind === 'at-most') return figure.ours <= target.value;
  const ratio = ratioOf(figure);
  return ratio !== undefined && ratio >= target.value;
}

export function describeTarget(target: Target, unit: string): string {
  if (target.kind === 'ratio-at-least') return `≥ ${target.value}×`;
  if (target.kind === 'at-most') return `≤ ${target.value} ${unit}`;
  return '';
}
