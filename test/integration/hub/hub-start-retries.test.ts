// A job lost on the way to its runner (connection gone before accept: nothing ran) is a TRANSIENT
// start failure: re-queued 3 times, then it ends. Real ws, the runner played frame by frame.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ScriptedRunner, startHub, type HubFixture } from './hub-fixture.ts';

let f: HubFixture;
beforeEach(async () => {
  f = await startHub();
});
afterEach(async () => {
  await f.close();
});

it('a request lost before accept is re-sent 3 times, then the job ends cancelled (DISPATCH_UNDELIVERED)', async () => {
  const token = await f.token('flaky-link');
  const { job } = await f.hub.submit({ script: 'Get-Date' });
  for (const attempt of [1, 2, 3, 4]) {
    // Each connection comes back without the job: the request never reached the runner's spool.
    const runner = await ScriptedRunner.connect(f.url, token, { resume_jobs: [] });
    const request = await runner.next('exec.request', (r) => r.body.job_id === job.id);
    expect(request.idempotency_key).toBe(`${job.id}#${attempt}`);
    runner.close();
    await runner.closed;
  }
  const last = await ScriptedRunner.connect(f.url, token, { resume_jobs: [] });
  expect(await f.hub.waitForJob(job.id, 10_000)).toMatchObject({
    state: 'cancelled',
    attempts: 4,
    result: null,
    reason: { code: 'DISPATCH_UNDELIVERED' },
  });
  expect(last.frames.filter((fr) => fr.type === 'exec.request')).toEqual([]);
  last.close();
});
