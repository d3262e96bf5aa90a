import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inspectExperience } from '../../../src/store/inspect-experience.ts';
import { spawnFixture, waitForExit } from './fixtures/spawn-tsx.ts';

const PROCESSES = 8;
const INCREMENTS = 500;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ko-concurrent-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('experience store under concurrent writers', () => {
  it(`${PROCESSES} processes × ${INCREMENTS} increments never lose an update`, async () => {
    const started = Date.now();
    const children = Array.from({ length: PROCESSES }, () =>
      spawnFixture('increment-worker.ts', [dir, String(INCREMENTS), 'hits', 'nofsync']),
    );
    const exits = await Promise.all(children.map(waitForExit));
    for (const exit of exits) expect(exit, exit.stderr).toMatchObject({ code: 0 });
    const inspection = inspectExperience(await readFile(join(dir, 'experience.json')));
    if (!inspection.ok) throw new Error(inspection.detail);
    expect(inspection.document.data.counters.hits).toBe(PROCESSES * INCREMENTS);
    // One committed write per increment plus the one that created the file.
    expect(inspection.document.write_seq).toBe(PROCESSES * INCREMENTS);
    console.log(`${PROCESSES}×${INCREMENTS} locked increments took ${Date.now() - started} ms`);
  }, 300_000);
});
