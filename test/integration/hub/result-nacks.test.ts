// How the hub asks for the chunks a result counts but it lacks: once per chunk while they are on
// their way, again on a new session.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createEnvelope } from '../../../contracts/codec/index.ts';
import type { ExecChunkBody } from '../../../contracts/ko-v1/generated/ko-v1.ts';
import { ScriptedRunner, playJob, startHub, type HubFixture } from './hub-fixture.ts';

let f: HubFixture;
beforeEach(async () => {
  f = await startHub({ leaseMs: 30_000 });
});
afterEach(async () => {
  await f.close();
});

/** 20 stdout chunks of 16 bytes (the fixture's chunk size) and the empty last one. */
const STDOUT = 'sixteen bytes!!\n'.repeat(20);
const lostInTransit = (c: ExecChunkBody): boolean => c.stream === 'stdout' && c.seq < 20;

it('asks once for chunks still on their way, not again as each of them arrives', async () => {
  const runner = await ScriptedRunner.connect(f.url, await f.token('once'));
  const { job } = await f.hub.submit({ script: 'x' });
  await runner.next('exec.request');
  const { chunks } = playJob(runner, job.id, { stdout: STDOUT }, lostInTransit);
  const nack = await runner.next('chunk.nack');
  expect(nack.body.missing).toEqual(Array.from({ length: 20 }, (_, i) => i));
  // Paced like large chunks on a real link: the hub checks the result again after each one.
  for (const chunk of chunks.filter(lostInTransit)) {
    runner.send(createEnvelope('exec.chunk', chunk, { corrId: job.id }));
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
  await runner.next('ack', (a) => a.body.job_id === job.id);
  expect(runner.frames.filter((frame) => frame.type === 'chunk.nack')).toEqual([]);
  expect(await (await f.api(`/ko/v1/jobs/${job.id}/output?stream=stdout`)).text()).toBe(STDOUT);
  runner.close();
});

it('asks again on a new session: nacks sent on a dropped one may never have arrived', async () => {
  const token = await f.token('again');
  const first = await ScriptedRunner.connect(f.url, token);
  const { job } = await f.hub.submit({ script: 'x' });
  await first.next('exec.request');
  const { chunks, result } = playJob(first, job.id, { stdout: STDOUT }, lostInTransit);
  await first.next('chunk.nack');
  first.close();
  await first.closed;

  const back = await ScriptedRunner.connect(f.url, token, {
    resume_jobs: [{ job_id: job.id, last_seq_sent: { stdout: 20, stderr: 0 }, has_result: true }],
  });
  back.send(createEnvelope('exec.result', result, { corrId: job.id }));
  const nack = await back.next('chunk.nack');
  expect(nack.body.missing).toEqual(Array.from({ length: 20 }, (_, i) => i));
  for (const chunk of chunks.filter(lostInTransit)) {
    back.send(createEnvelope('exec.chunk', chunk, { corrId: job.id }));
  }
  await back.next('ack', (a) => a.body.job_id === job.id);
  expect(await (await f.api(`/ko/v1/jobs/${job.id}/output?stream=stdout`)).text()).toBe(STDOUT);
  back.close();
});
