// The job lifecycle on the hub side, with the runner played frame by frame over real ws.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEnvelope } from '../../../contracts/codec/index.ts';
import {
  ScriptedRunner,
  playJob,
  pretendOutput,
  startHub,
  type HubFixture,
} from './hub-fixture.ts';

let f: HubFixture;
beforeEach(async () => {
  f = await startHub();
});
afterEach(async () => {
  await f.close();
});

describe('dispatch, output, result, ack', () => {
  it('runs the whole round: request → accepted → chunks → result → ack, output kept on disk', async () => {
    const runner = await ScriptedRunner.connect(f.url, await f.token('r1'));
    const { job } = await f.hub.submit({
      script: 'Write-Output hi',
      apply: true,
      timeout_ms: 5_000,
    });
    const request = await runner.next('exec.request');
    expect(request.body).toMatchObject({
      job_id: job.id,
      command: 'Write-Output hi',
      apply: true,
      dry_run: false,
      timeout_ms: 5_000,
      working_dir: '.',
    });
    expect(request.corr_id).toBe(job.id);

    const stdout = 'line one\nline two\nthe third line, long enough for several chunks\n';
    const { resultFrameId } = playJob(runner, job.id, { stdout, stderr: 'warn\n' });
    const ack = await runner.next('ack', (a) => a.body.job_id === job.id);
    expect(ack.body).toMatchObject({ ack_of: resultFrameId, duplicate: false });

    const done = await f.hub.getJob(job.id);
    expect(done).toMatchObject({
      state: 'completed',
      result: { status: 'succeeded', exit_code: 0 },
    });
    expect(readFileSync(join(f.dataDir, 'outputs', job.id, 'stdout.out'), 'utf8')).toBe(stdout);
    expect(await (await f.api(`/ko/v1/jobs/${job.id}/output?stream=stderr`)).text()).toBe('warn\n');
    runner.close();
  });

  it('re-requests lost chunks with chunk.nack and completes once they arrive', async () => {
    const runner = await ScriptedRunner.connect(f.url, await f.token('lossy'));
    const { job } = await f.hub.submit({ script: 'x' });
    await runner.next('exec.request');
    const stdout = 'abcdefghijklmnopqrstuvwxyz'.repeat(4); // 104 bytes: 7 chunks of 16
    const { chunks } = playJob(
      runner,
      job.id,
      { stdout },
      (c) => c.stream === 'stdout' && (c.seq === 1 || c.seq === 4),
    );
    const nack = await runner.next('chunk.nack');
    expect(nack.body).toEqual({ transfer_id: `${job.id}.stdout`, job_id: job.id, missing: [1, 4] });
    expect((await f.hub.getJob(job.id))?.state).toBe('running'); // not completed with holes
    for (const chunk of chunks.filter(
      (c) => c.stream === 'stdout' && nack.body.missing.includes(c.seq),
    )) {
      runner.send(createEnvelope('exec.chunk', chunk, { corrId: job.id }));
    }
    await runner.next('ack', (a) => a.body.job_id === job.id);
    expect((await f.hub.getJob(job.id))?.state).toBe('completed');
    expect(await (await f.api(`/ko/v1/jobs/${job.id}/output?stream=stdout`)).text()).toBe(stdout);
    runner.close();
  });

  it('drops the hub-side chunks through the test hook and still ends with every byte', async () => {
    let dropped = 0;
    f.hub.dropChunk = (body) => body.stream === 'stdout' && body.seq % 2 === 0 && dropped++ < 3;
    const runner = await ScriptedRunner.connect(f.url, await f.token('hook'));
    const { job } = await f.hub.submit({ script: 'x' });
    await runner.next('exec.request');
    const stdout = '0123456789'.repeat(10);
    const { chunks } = playJob(runner, job.id, { stdout });
    const nack = await runner.next('chunk.nack');
    expect(nack.body.missing).toEqual([0, 2, 4]);
    for (const chunk of chunks.filter(
      (c) => c.stream === 'stdout' && nack.body.missing.includes(c.seq),
    ))
      runner.send(createEnvelope('exec.chunk', chunk));
    await runner.next('ack', (a) => a.body.job_id === job.id);
    expect(await (await f.api(`/ko/v1/jobs/${job.id}/output?stream=stdout`)).text()).toBe(stdout);
    runner.close();
  });

  it('refetches a stream whose assembled sha256 does not match the result', async () => {
    const runner = await ScriptedRunner.connect(f.url, await f.token('corrupt'));
    const { job } = await f.hub.submit({ script: 'x' });
    await runner.next('exec.request');
    const good = pretendOutput(job.id, { stdout: 'the real output, 32 bytes long!\n' });
    const forged = pretendOutput(job.id, { stdout: 'a forged output!!, same length\n\n' });
    runner.send(createEnvelope('exec.accepted', { job_id: job.id }));
    for (const chunk of forged.chunks) runner.send(createEnvelope('exec.chunk', chunk));
    runner.send(createEnvelope('exec.result', good.result));
    const nack = await runner.next('chunk.nack', (n) => n.body.transfer_id.endsWith('.stdout'));
    expect(nack.body.missing).toEqual([0, 1, 2]);
    for (const chunk of good.chunks.filter((c) => c.stream === 'stdout'))
      runner.send(createEnvelope('exec.chunk', chunk));
    await runner.next('ack', (a) => a.body.job_id === job.id);
    expect(await (await f.api(`/ko/v1/jobs/${job.id}/output?stream=stdout`)).text()).toBe(
      'the real output, 32 bytes long!\n',
    );
    runner.close();
  });

  it('applies a result at most once: a repeat is acked as a duplicate and changes nothing', async () => {
    const runner = await ScriptedRunner.connect(f.url, await f.token('dup'));
    const { job } = await f.hub.submit({ script: 'x' });
    await runner.next('exec.request');
    const { result } = playJob(runner, job.id, { stdout: 'once' });
    await runner.next('ack', (a) => a.body.job_id === job.id);
    const first = await f.hub.getJob(job.id);
    runner.send(createEnvelope('exec.result', { ...result, status: 'failed', exit_code: 9 }));
    const again = await runner.next('ack', (a) => a.body.job_id === job.id);
    expect(again.body.duplicate).toBe(true);
    expect(await f.hub.getJob(job.id)).toEqual(first);
    runner.close();
  });

  it('returns the first job for a second submission with the same idempotency key', async () => {
    const a = await f.api('/ko/v1/jobs', {
      method: 'POST',
      body: JSON.stringify({ script: 'Get-Date', idempotency_key: 'pr-7-lint' }),
    });
    const b = await f.api('/ko/v1/jobs', {
      method: 'POST',
      body: JSON.stringify({ script: 'Something-Else', idempotency_key: 'pr-7-lint' }),
    });
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    const [ja, jb] = [
      (await a.json()) as { job: { id: string } },
      (await b.json()) as { job: { id: string; spec: { script: string } }; created: boolean },
    ];
    expect(jb).toMatchObject({
      created: false,
      job: { id: ja.job.id, spec: { script: 'Get-Date' } },
    });
    expect(await f.hub.queue.list()).toHaveLength(1);
  });

  it('records a rejection with the guard verdict, and requeues on RUNNER_BUSY', async () => {
    const runner = await ScriptedRunner.connect(f.url, await f.token('picky'));
    const { job } = await f.hub.submit({ script: 'Remove-Item -Recurse /' });
    await runner.next('exec.request');
    runner.send(
      createEnvelope('exec.rejected', {
        job_id: job.id,
        reason_code: 'GUARD_DENIED',
        message: 'denied',
        guard: { verdict: 'deny', rule: 'recursive-delete', reason: 'recursive delete' },
      }),
    );
    await vi.waitFor(async () => expect((await f.hub.getJob(job.id))?.state).toBe('rejected'));
    expect((await f.hub.getJob(job.id))?.reason?.message).toContain('recursive-delete');

    const second = (await f.hub.submit({ script: 'Get-Date' })).job;
    await runner.next('exec.request', (r) => r.body.job_id === second.id);
    runner.send(
      createEnvelope('exec.rejected', {
        job_id: second.id,
        reason_code: 'RUNNER_BUSY',
        message: 'busy',
      }),
    );
    const retry = await runner.next('exec.request', (r) => r.body.job_id === second.id, 5_000);
    expect(retry.idempotency_key).toBe(`${second.id}#2`);
    // 3 retries with exponential backoff (DESIGN.md, TRANSIENT start failures), then it ends.
    // The backoff outlasts the test hub's 3 s heartbeat timeout, so the runner keeps beating.
    const beat = setInterval(
      () => runner.send(createEnvelope('heartbeat', { running_jobs: [] })),
      500,
    );
    for (const attempt of [3, 4]) {
      runner.send(
        createEnvelope('exec.rejected', {
          job_id: second.id,
          reason_code: 'RUNNER_BUSY',
          message: 'busy',
        }),
      );
      const again = await runner.next('exec.request', (r) => r.body.job_id === second.id, 10_000);
      expect(again.idempotency_key).toBe(`${second.id}#${attempt}`);
    }
    runner.send(
      createEnvelope('exec.rejected', {
        job_id: second.id,
        reason_code: 'RUNNER_BUSY',
        message: 'busy',
      }),
    );
    await vi.waitFor(async () => expect((await f.hub.getJob(second.id))?.state).toBe('rejected'));
    expect(await f.hub.getJob(second.id)).toMatchObject({
      attempts: 4,
      reason: { code: 'RUNNER_BUSY', message: 'busy (gave up after 4 attempts)' },
    });
    expect(runner.frames.filter((fr) => fr.type === 'exec.request')).toEqual([]);
    clearInterval(beat);
    runner.close();
  });
});

describe('matching and scheduling', () => {
  it('sends a job only to a runner with the labels and capabilities it needs', async () => {
    const linux = await ScriptedRunner.connect(f.url, await f.token('linux-box', ['linux']), {
      capabilities: ['pwsh7'],
    });
    const windows = await ScriptedRunner.connect(f.url, await f.token('win-box', ['windows']), {
      capabilities: ['pwsh7', 'git'],
    });
    const { job } = await f.hub.submit({
      script: 'git status',
      labels: ['windows'],
      capabilities: ['git'],
    });
    const request = await windows.next('exec.request');
    expect(request.body.job_id).toBe(job.id);
    expect(request.capabilities).toEqual(['git']);
    const nobody = (await f.hub.submit({ script: 'x', labels: ['macos'] })).job;
    await new Promise((r) => setTimeout(r, 300));
    expect(linux.frames.filter((fr) => fr.type === 'exec.request')).toHaveLength(0);
    expect((await f.hub.getJob(nobody.id))?.state).toBe('queued');
    linux.close();
    windows.close();
  });

  it('takes priority first, then age, and respects the runner concurrency', async () => {
    const low = (await f.hub.submit({ script: 'low', priority: 1 })).job;
    const oldHigh = (await f.hub.submit({ script: 'old-high', priority: 8 })).job;
    const newHigh = (await f.hub.submit({ script: 'new-high', priority: 8 })).job;
    const runner = await ScriptedRunner.connect(f.url, await f.token('two-slots'), {
      concurrency: 2,
    });
    const first = await runner.next('exec.request');
    const second = await runner.next('exec.request');
    expect([first.body.job_id, second.body.job_id]).toEqual([oldHigh.id, newHigh.id]);
    await new Promise((r) => setTimeout(r, 300));
    expect(runner.frames.filter((fr) => fr.type === 'exec.request')).toHaveLength(0); // two slots, both busy
    playJob(runner, oldHigh.id, { stdout: 'done' });
    const third = await runner.next('exec.request');
    expect(third.body.job_id).toBe(low.id);
    runner.close();
  });
});

describe('runner drop, resume and lease', () => {
  it('resumes delivery when the runner comes back with the job in hello', async () => {
    const token = await f.token('flaky');
    const first = await ScriptedRunner.connect(f.url, token);
    const { job } = await f.hub.submit({ script: 'x' });
    await first.next('exec.request');
    first.send(createEnvelope('exec.accepted', { job_id: job.id }));
    await vi.waitFor(async () => expect((await f.hub.getJob(job.id))?.state).toBe('running'));
    first.close();
    await vi.waitFor(async () =>
      expect((await f.hub.getJob(job.id))?.lease_expires_at).not.toBeNull(),
    );

    const back = await ScriptedRunner.connect(f.url, token, {
      resume_jobs: [
        { job_id: job.id, last_seq_sent: { stdout: -1, stderr: -1 }, has_result: true },
      ],
    });
    await vi.waitFor(async () => expect((await f.hub.getJob(job.id))?.lease_expires_at).toBeNull());
    const { chunks, result } = pretendOutput(job.id, { stdout: 'made it through the reconnect\n' });
    for (const chunk of chunks) back.send(createEnvelope('exec.chunk', chunk));
    back.send(createEnvelope('exec.result', result));
    await back.next('ack', (a) => a.body.job_id === job.id);
    expect(await f.hub.getJob(job.id)).toMatchObject({ state: 'completed', attempts: 1 });
    back.close();
  });

  it('marks a non-idempotent job lost when its runner does not return within the lease', async () => {
    const runner = await ScriptedRunner.connect(f.url, await f.token('gone'));
    const { job } = await f.hub.submit({ script: 'x', idempotent: false });
    await runner.next('exec.request');
    runner.send(createEnvelope('exec.accepted', { job_id: job.id }));
    await vi.waitFor(async () => expect((await f.hub.getJob(job.id))?.state).toBe('running'));
    runner.close();
    const lost = await f.hub.waitForJob(job.id, 10_000);
    expect(lost).toMatchObject({ state: 'lost', reason: { code: 'RUNNER_LOST' }, attempts: 1 });
  });

  it('requeues an idempotent job whose runner is gone, and another runner runs it', async () => {
    const runner = await ScriptedRunner.connect(f.url, await f.token('gone2'));
    const { job } = await f.hub.submit({ script: 'x', idempotent: true });
    await runner.next('exec.request');
    runner.send(createEnvelope('exec.accepted', { job_id: job.id }));
    await vi.waitFor(async () => expect((await f.hub.getJob(job.id))?.state).toBe('running'));
    runner.close();
    const other = await ScriptedRunner.connect(f.url, await f.token('other'));
    const again = await other.next('exec.request', () => true, 10_000);
    expect(again.body.job_id).toBe(job.id);
    expect((await f.hub.getJob(job.id))?.attempts).toBe(2);
    other.close();
  });

  it('requeues a dispatched job the returning runner never received (nothing ran)', async () => {
    const token = await f.token('missed');
    const runner = await ScriptedRunner.connect(f.url, token);
    const { job } = await f.hub.submit({ script: 'x' });
    await runner.next('exec.request');
    runner.close(); // as if the request was lost on the wire before the runner spooled it
    const back = await ScriptedRunner.connect(f.url, token, { resume_jobs: [] });
    const again = await back.next('exec.request', (r) => r.body.job_id === job.id);
    expect(again.idempotency_key).toBe(`${job.id}#2`);
    back.close();
  });

  it('survives a hub restart mid-job: the job stays bound and the result lands after resume', async () => {
    const token = await f.token('steady');
    const runner = await ScriptedRunner.connect(f.url, token);
    const { job } = await f.hub.submit({ script: 'x' });
    await runner.next('exec.request');
    runner.send(createEnvelope('exec.accepted', { job_id: job.id }));
    const { chunks, result } = pretendOutput(job.id, { stdout: 'before and after the restart\n' });
    runner.send(createEnvelope('exec.chunk', chunks[0]!));
    await vi.waitFor(async () => expect((await f.hub.getJob(job.id))?.state).toBe('running'));
    await new Promise((r) => setTimeout(r, 100));
    await f.closeHub();
    await runner.closed;
    await f.restartHub({ leaseMs: 5_000 });
    expect((await f.hub.getJob(job.id))?.state).toBe('running');
    const back = await ScriptedRunner.connect(f.url, token, {
      resume_jobs: [
        {
          job_id: job.id,
          last_seq_sent: { stdout: chunks.length - 1, stderr: 0 },
          has_result: true,
        },
      ],
    });
    back.send(createEnvelope('exec.result', result)); // chunks the hub lacks are nacked and resent
    const nack = await back.next('chunk.nack');
    for (const chunk of chunks.filter(
      (c) => c.transfer_id === nack.body.transfer_id && nack.body.missing.includes(c.seq),
    ))
      back.send(createEnvelope('exec.chunk', chunk));
    const nack2 = await back.next('chunk.nack', () => true, 2_000).catch(() => undefined);
    if (nack2)
      for (const chunk of chunks.filter(
        (c) => c.transfer_id === nack2.body.transfer_id && nack2.body.missing.includes(c.seq),
      ))
        back.send(createEnvelope('exec.chunk', chunk));
    await back.next('ack', (a) => a.body.job_id === job.id);
    expect(await (await f.api(`/ko/v1/jobs/${job.id}/output?stream=stdout`)).text()).toBe(
      'before and after the restart\n',
    );
    back.close();
  });
});

describe('cancel', () => {
  it('cancels a queued job at once and sends exec.cancel for a running one', async () => {
    const queued = (await f.hub.submit({ script: 'x', labels: ['nobody'] })).job;
    const res = await f.api(`/ko/v1/jobs/${queued.id}/cancel`, { method: 'POST' });
    expect(res.status).toBe(202);
    expect((await f.hub.getJob(queued.id))?.state).toBe('cancelled');

    const runner = await ScriptedRunner.connect(f.url, await f.token('cancel-me'));
    const { job } = await f.hub.submit({ script: 'Start-Sleep 100' });
    await runner.next('exec.request');
    runner.send(createEnvelope('exec.accepted', { job_id: job.id }));
    await vi.waitFor(async () => expect((await f.hub.getJob(job.id))?.state).toBe('running'));
    await f.api(`/ko/v1/jobs/${job.id}/cancel`, { method: 'POST' });
    const cancel = await runner.next('exec.cancel');
    expect(cancel.body).toMatchObject({ job_id: job.id, grace_ms: 5_000 });
    const { chunks, result } = pretendOutput(job.id, {}, 16, 'cancelled');
    for (const chunk of chunks) runner.send(createEnvelope('exec.chunk', chunk));
    runner.send(createEnvelope('exec.result', { ...result, exit_code: null }));
    const done = await f.hub.waitForJob(job.id, 5_000);
    expect(done).toMatchObject({
      state: 'completed',
      cancel_requested: true,
      result: { status: 'cancelled' },
    });
    runner.close();
  });
});
