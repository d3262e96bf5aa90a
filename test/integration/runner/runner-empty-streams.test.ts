// An output stream that produced nothing: the real ko-runner (PowerShell 7) sends no chunk for it
// when the hub's welcome says omit_empty_streams, and one empty chunk for a hub that does not say
// so (an older hub, simulated by a proxy that drops the field from welcome). The job completes
// either way, with the right summary.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { startHub, type HubFixture } from '../hub/hub-fixture.ts';
import { startFrameFilterProxy, type FrameFilterProxy } from './frame-filter-proxy.ts';
import { requirePwsh, spawnRunner, type RunnerProcess } from './runner-fixture.ts';

let f: HubFixture;
let proxy: FrameFilterProxy;
let work: string;
let root: string;
let runner: RunnerProcess | undefined;

beforeEach(async () => {
  requirePwsh();
  work = mkdtempSync(join(tmpdir(), 'ko-empty-streams-'));
  root = join(work, 'repo');
  mkdirSync(root);
  f = await startHub({ dataDir: join(work, 'hub') });
  proxy = await startFrameFilterProxy(f.url);
});
afterEach(async () => {
  await runner?.stop();
  runner = undefined;
  await proxy.close();
  await f.close();
  rmSync(work, { recursive: true, force: true });
});

async function runQuietJob(): Promise<{
  stderrChunks: Record<string, unknown>[];
  summary: Record<string, unknown>;
}> {
  runner = spawnRunner({
    url: proxy.url,
    token: await f.token('quiet'),
    root,
    dataDir: join(work, 'runner'),
    extra: ['--apply'],
  });
  await vi.waitFor(() => expect(f.hub.runners()).toHaveLength(1), {
    timeout: 45_000,
    interval: 100,
  });
  const { job } = await f.hub.submit({ script: 'Write-Output only-stdout', apply: true });
  const done = await f.hub.waitForJob(job.id, 60_000);
  expect(done).toMatchObject({ state: 'completed', result: { status: 'succeeded' } });
  const toHub = proxy.frames.filter((frame) => frame.direction === 'to-hub');
  const result = toHub.find((frame) => frame.type === 'exec.result');
  return {
    stderrChunks: toHub
      .filter((frame) => frame.type === 'exec.chunk' && frame.body['stream'] === 'stderr')
      .map((frame) => frame.body),
    summary: (result?.body['streams'] as Record<string, Record<string, unknown>>)['stderr']!,
  };
}

it('a hub that takes empty streams gets no chunk for stderr and a 0-chunk summary', async () => {
  const { stderrChunks, summary } = await runQuietJob();
  const welcome = proxy.frames.find((frame) => frame.type === 'welcome');
  expect(welcome?.body['omit_empty_streams']).toBe(true);
  expect(stderrChunks).toEqual([]);
  expect(summary).toMatchObject({ chunks: 0, bytes: 0 });
});

it('a hub whose welcome does not say so gets one empty chunk, as before', async () => {
  proxy.rewriteToRunner = (type, body) => {
    if (type !== 'welcome') return body;
    const { omit_empty_streams: _dropped, ...older } = body;
    return older;
  };
  const { stderrChunks, summary } = await runQuietJob();
  expect(stderrChunks).toMatchObject([{ seq: 0, size: 0, total: 1, whole_size: 0 }]);
  expect(summary).toMatchObject({ chunks: 1, bytes: 0 });
});
