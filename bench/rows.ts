/** One measured figure beside the baseline it was measured against in the same run. */
export interface BenchRow {
  name: string;
  value: number;
  /** What the same work costs without Pitlane's layer (e.g. plain PostgreSQL, a direct `pg` query). */
  baselineName: string;
  baseline: number;
  unit: string;
  /** value / baseline. */
  ratio: number;
}

export function row(
  name: string,
  value: number,
  baselineName: string,
  baseline: number,
  unit: string,
): BenchRow {
  return { name, value, baselineName, baseline, unit, ratio: value / baseline };
}

/** The middle value (the upper one of an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function figure(value: number, unit: string): string {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`;
}

/** One table for the whole run. */
export function formatTable(rows: BenchRow[]): string {
  const cells = rows.map((r) => [
    r.name,
    figure(r.value, r.unit),
    `${r.baselineName}: ${figure(r.baseline, r.unit)}`,
    `${r.ratio.toFixed(2)}×`,
  ]);
  const header = ["figure", "pitlane", "baseline (same run)", "ratio"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((cell, i) => (i === 0 || i === 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}
