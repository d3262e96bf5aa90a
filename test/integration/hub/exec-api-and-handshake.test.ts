// The exec API's door (operator token: 401 without it, 503 when none is configured), job status
// with and without wait_ms, and the ko-v1 handshake without per-message deflate. Real HTTP and ws.
import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { createEnvelope } from '../../../contracts/codec/index.ts';
import {
  OPERATOR_TOKEN,
  ScriptedRunner,
  playJob,
  startHub,
  type HubFixture,
} from './hub-fixture.ts';

let f: HubFixture | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

async function call(
  hub: HubFixture,
  path: string,
  authorization?: string,
  init: RequestInit = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`http://127.0.0.1:${hub.port}${path}`, {
    ...init,
    headers: {
      'content-type': 'application/json',
      ...(authorization === undefined ? {} : { authorization }),
    },
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown>,
    headers: res.headers,
  };
}

describe('exec API authentication', () => {
  it('401 without the operator token, with a wrong one, or with a runner token; nothing is submitted', async () => {
    f = await startHub();
    const runnerToken = await f.token('not-an-operator');
    const submit = { method: 'POST', body: JSON.stringify({ script: 'Get-Date' }) };
    for (const authorization of [
      undefined,
      'Bearer wrong-token',
      `Bearer ${runnerToken}`,
      OPERATOR_TOKEN,
    ]) {
      const res = await call(f, '/ko/v1/jobs', authorization, submit);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    }
    for (const path of ['/ko/v1/jobs', '/ko/v1/jobs/some-id', '/ko/v1/jobs/some-id/output'])
      expect((await call(f, path)).status).toBe(401);
    expect(await f.hub.queue.list()).toEqual([]);
    expect((await call(f, '/ko/v1/jobs', `Bearer ${OPERATOR_TOKEN}`, submit)).status).toBe(201);
  });

  it('503 when no operator token is configured, whatever is presented', async () => {
    f = await startHub({ operatorTokens: [] });
    for (const authorization of [undefined, `Bearer ${OPERATOR_TOKEN}`]) {
      const res = await call(f, '/ko/v1/jobs', authorization);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ error: { code: 'OPERATOR_TOKEN_UNSET' } });
    }
  });
});

describe('GET /ko/v1/jobs/:id', () => {
  const auth = `Bearer ${OPERATOR_TOKEN}`;

  it('without wait_ms answers with the state now; unknown ids are 404', async () => {
    f = await startHub();
    const { job } = await f.hub.submit({ script: 'Get-Date' });
    const res = await call(f, `/ko/v1/jobs/${job.id}`, auth);
    expect(res.status).toBe(200);
    expect(res.body['job']).toMatchObject({ id: job.id, state: 'queued', result: null });
    expect((await call(f, '/ko/v1/jobs/job_nope', auth)).status).toBe(404);
    expect((await call(f, '/ko/v1/jobs/job_nope?wait_ms=5000', auth)).body).toMatchObject({
      error: { code: 'JOB_UNKNOWN' },
    });
  });

  it('with wait_ms holds the request until the job ends, then answers with the result', async () => {
    f = await startHub();
    const runner = await ScriptedRunner.connect(f.url, await f.token('r1'));
    const { job } = await f.hub.submit({ script: 'Write-Output hi' });
    await runner.next('exec.request');
    runner.send(createEnvelope('exec.accepted', { job_id: job.id }, { corrId: job.id }));
    // The poll is waiting on the hub (one more job listener) before the job ends: its answer
    // can only come from the wait.
    const listeners = f.hub.listenerCount('job');
    const polled = call(f, `/ko/v1/jobs/${job.id}?wait_ms=30000`, auth);
    await vi.waitFor(() => expect(f!.hub.listenerCount('job')).toBe(listeners + 1));
    expect((await f.hub.getJob(job.id))?.state).toBe('running');
    playJob(runner, job.id, { stdout: 'hi\n' });
    const res = await polled;
    expect(res.status).toBe(200);
    expect(res.body['job']).toMatchObject({
      id: job.id,
      state: 'completed',
      result: { status: 'succeeded', exit_code: 0 },
    });
    runner.close();
  });

  it('with wait_ms on a job that does not end in time answers with its state then', async () => {
    f = await startHub();
    const { job } = await f.hub.submit({ script: 'Get-Date' });
    const res = await call(f, `/ko/v1/jobs/${job.id}?wait_ms=300`, auth);
    expect(res.status).toBe(200);
    expect(res.body['job']).toMatchObject({ id: job.id, state: 'queued' });
  });
});

describe('ko-v1 handshake', () => {
  it('no per-message deflate: a client that offers it gets no sec-websocket-extensions back', async () => {
    f = await startHub();
    const ws = new WebSocket(f.url, {
      headers: { authorization: `Bearer ${await f.token('deflate')}` },
      perMessageDeflate: true,
    });
    const upgraded = new Promise<IncomingMessage>((resolve, reject) => {
      ws.once('upgrade', resolve);
      ws.once('error', reject);
    });
    const opened = new Promise<void>((resolve) => ws.once('open', () => resolve()));
    const response = await upgraded;
    await opened;
    expect(response.statusCode).toBe(101);
    expect(response.headers['sec-websocket-extensions']).toBeUndefined();
    expect(ws.extensions).toBe('');
    ws.terminate();
  });
});
