/** One benchmark figure: a ratio against a baseline measured in the same run. */
export interface BenchResult {
  name: string;
  baseline: string;
  ratio: number;
  detail: string;
}

/** A benchmark module: `bench/<name>.bench.ts` exporting `run`. */
export interface BenchModule {
  run(): Promise<BenchResult[]>;
}

/** Median of a list of numbers (sorted copy). */
export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100) of a list of numbers. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Prints results as a table. */
export function printResults(results: BenchResult[]): void {
  for (const result of results) {
    console.log(
      `${result.name.padEnd(48)} ${result.ratio.toFixed(2).padStart(8)}x  vs ${result.baseline}  (${result.detail})`,
    );
  }
}
