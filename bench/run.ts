// `npm run bench [-- name-filter]`: runs every bench/*.bench.ts in turn and prints ratios against
// baselines measured in the same run. Never a pass/fail gate: these machines are shared and noisy.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { printResults, type BenchModule, type BenchResult } from './bench-result.ts';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => !filter || name.includes(filter))
  .sort();

const all: BenchResult[] = [];
for (const file of files) {
  console.log(`== ${file}`);
  const module = (await import(pathToFileURL(join(here, file)).href)) as BenchModule;
  const results = await module.run();
  printResults(results);
  all.push(...results);
}
console.log(`\n${all.length} figures from ${files.length} benchmark files`);
