// The hub's connection rules, over real ws: auth before the socket opens, hello/welcome, and
// bad frames answered with error frames while the hub (and other runners) live on.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { createEnvelope } from '../../../contracts/codec/index.ts';
import { ScriptedRunner, startHub, type HubFixture } from './hub-fixture.ts';

let f: HubFixture;
beforeEach(async () => {
  f = await startHub();
});
afterEach(async () => {
  await f.close();
});

/** Tries to connect and reports whether the socket opened and what HTTP status came back. */
function tryConnect(
  url: string,
  headers: Record<string, string>,
): Promise<{ opened: boolean; status?: number; body?: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.terminate();
      resolve({ opened: true });
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ opened: false, status: res.statusCode, body }));
    });
    ws.on('error', () => undefined);
  });
}

describe('upgrade authentication', () => {
  const cases: { name: string; headers: Record<string, string> }[] = [
    { name: 'no Authorization header', headers: {} },
    {
      name: 'a token that was never issued',
      headers: { authorization: 'Bearer kor_notatokenatall' },
    },
    {
      name: 'an operator-style token',
      headers: { authorization: 'Bearer op-test-token-0123456789' },
    },
    { name: 'Basic instead of Bearer', headers: { authorization: 'Basic a29yX3g6eA==' } },
  ];
  for (const { name, headers } of cases) {
    it(`refuses ${name} with 401 before the socket opens`, async () => {
      const outcome = await tryConnect(f.url, headers);
      expect(outcome).toMatchObject({ opened: false, status: 401 });
      expect(outcome.body).toContain('runner token');
    });
  }

  it('refuses a revoked token, and accepts a valid one', async () => {
    const created = await f.hub.tokens.create({ name: 'rev', labels: [] });
    expect(await tryConnect(f.url, { authorization: `Bearer ${created.token}` })).toEqual({
      opened: true,
    });
    await f.hub.tokens.revoke(created.record.id);
    expect(await tryConnect(f.url, { authorization: `Bearer ${created.token}` })).toMatchObject({
      opened: false,
      status: 401,
    });
  });
});

describe('hello and welcome', () => {
  it('answers hello with the chunk size, heartbeat interval and frame limit', async () => {
    const runner = await ScriptedRunner.connect(f.url, await f.token('w1'), false);
    const hello = createEnvelope('hello', (await import('./hub-fixture.ts')).helloBody());
    runner.send(hello);
    const welcome = await runner.next('welcome');
    expect(welcome.corr_id).toBe(hello.id);
    expect(welcome.body).toMatchObject({
      chunk_size_bytes: 200 * 1024,
      heartbeat_interval_ms: 1_000,
      max_frame_bytes: 1024 * 1024,
    });
    expect(f.hub.runners().map((r) => r.name)).toEqual(['w1']);
    runner.close();
  });

  it('refuses work frames before hello with an error naming the frame', async () => {
    const runner = await ScriptedRunner.connect(f.url, await f.token('early'), false);
    const frame = createEnvelope('heartbeat', { running_jobs: [] });
    runner.send(frame);
    const error = await runner.next('error');
    expect(error.body).toMatchObject({ code: 'KO_HELLO_REQUIRED', offending_id: frame.id });
    runner.close();
  });
});

describe('bad frames get an error frame and the connection survives', () => {
  const cases: { name: string; text: (id: string) => string; code: string; withId: boolean }[] = [
    {
      name: 'malformed JSON',
      text: () => '{"protocol_version": "ko-v1", "type": ',
      code: 'KO_FRAME_NOT_JSON',
      withId: false,
    },
    {
      name: 'an unknown protocol_version',
      text: (id) =>
        JSON.stringify({
          ...createEnvelope('heartbeat', { running_jobs: [] }, { id }),
          protocol_version: 'ko-v9',
        }),
      code: 'KO_UNKNOWN_VERSION',
      withId: true,
    },
    {
      name: 'a frame failing its schema',
      text: (id) =>
        JSON.stringify({
          ...createEnvelope('heartbeat', { running_jobs: [] }, { id }),
          body: { running_jobs: 'nope' },
        }),
      code: 'KO_FRAME_SCHEMA',
      withId: true,
    },
    {
      name: 'an unknown frame type',
      text: (id) =>
        JSON.stringify({
          ...createEnvelope('heartbeat', { running_jobs: [] }, { id }),
          type: 'exec.pause',
        }),
      code: 'KO_UNKNOWN_TYPE',
      withId: true,
    },
    {
      name: 'a frame over the chunk limit but under maxPayload',
      text: (id) =>
        JSON.stringify({
          ...createEnvelope('heartbeat', { running_jobs: [] }, { id }),
          pad: 'x'.repeat(400_000),
        }),
      code: 'KO_FRAME_TOO_LARGE',
      withId: true,
    },
  ];
  for (const c of cases) {
    it(`answers ${c.name} with ${c.code}`, async () => {
      const runner = await ScriptedRunner.connect(f.url, await f.token('bad'));
      const id = `bad-${c.code.toLowerCase()}`;
      runner.sendRaw(c.text(id));
      const error = await runner.next('error');
      expect(error.body.code).toBe(c.code);
      if (c.withId) expect(error.body.offending_id).toBe(id);
      // Still connected and served: a heartbeat goes through, an unknown frame gets an answer.
      expect(runner.ws.readyState).toBe(WebSocket.OPEN);
      runner.sendRaw('not json at all');
      expect((await runner.next('error')).body.code).toBe('KO_FRAME_NOT_JSON');
      runner.close();
    });
  }

  it('closes an oversized (> maxPayload) socket with 1009; the hub and other runners carry on', async () => {
    const bystander = await ScriptedRunner.connect(f.url, await f.token('bystander'));
    const big = await ScriptedRunner.connect(f.url, await f.token('big'));
    big.sendRaw(JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }));
    expect(await big.closed).toBe(1009);
    // The bystander still gets work, and a new runner can still connect.
    const { job } = await f.hub.submit({ script: 'Get-Date' });
    const request = await bystander.next('exec.request');
    expect(request.body.job_id).toBe(job.id);
    const late = await ScriptedRunner.connect(f.url, await f.token('late'));
    expect(
      f.hub
        .runners()
        .map((r) => r.name)
        .sort(),
    ).toEqual(['bystander', 'late']);
    bystander.close();
    late.close();
  });
});

describe('heartbeat', () => {
  it('marks a silent runner gone after the heartbeat timeout', async () => {
    await f.close();
    f = await startHub({ heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 1_500 });
    const runner = await ScriptedRunner.connect(f.url, await f.token('silent'));
    expect(f.hub.runners()).toHaveLength(1);
    // ws answers pings by itself, so only the missing heartbeat frames can give it away.
    await runner.closed;
    await vi.waitFor(() => expect(f.hub.runners()).toHaveLength(0));
  });

  it('keeps a runner that sends heartbeat frames', async () => {
    await f.close();
    f = await startHub({ heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 1_500 });
    const runner = await ScriptedRunner.connect(f.url, await f.token('chatty'));
    const timer = setInterval(
      () => runner.send(createEnvelope('heartbeat', { running_jobs: [] })),
      300,
    );
    await new Promise((r) => setTimeout(r, 3_000));
    clearInterval(timer);
    expect(runner.ws.readyState).toBe(WebSocket.OPEN);
    runner.close();
  });
});

describe('hello deadline', () => {
  it('closes an authenticated socket that never says hello', async () => {
    await f.close();
    f = await startHub({ heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 1_200 });
    const runner = await ScriptedRunner.connect(f.url, await f.token('mute'), false);
    expect(await runner.closed).toBe(4001);
  });
});
