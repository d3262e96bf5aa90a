import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StartedApp } from '../../../src/start-app.ts';
import { startTestApp } from './app-fixtures.ts';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const PARENT_SPAN = 'b7ad6b7169203331';
const webhookSecret = 'health-test-webhook-secret';

let dir: string;
let app: StartedApp;
let base: string;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ko-health-'));
  app = await startTestApp({
    webhookSecret,
    dataDir: dir,
    onLine: (line) => void lines.push(JSON.parse(line) as Record<string, unknown>),
    version: '9.9.9-test',
  });
  base = `http://127.0.0.1:${app.port}`;
});

afterAll(async () => {
  await app?.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  lines.length = 0;
});

/** Log lines written for one request: everything carrying its corr_id, plus any access line. */
function linesFor(corrId: string): Record<string, unknown>[] {
  return lines.filter((line) => line['corr_id'] === corrId || line['name'] === 'http');
}

describe('health endpoints on the real app', () => {
  it('exposes the HTTP server it listens on', () => {
    expect(app.mode).toBe('app');
    expect(app.httpServer?.listening).toBe(true);
  });

  it.each(['/healthz', '/readyz', '/livez'])(
    '%s without trace headers makes new ids and logs one line',
    async (path) => {
      const response = await fetch(`${base}${path}`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ status: 'ok', version: '9.9.9-test' });
      expect(body['uptime_s']).toEqual(expect.any(Number));
      expect(body['trace_id']).toMatch(/^[0-9a-f]{32}$/);
      expect(body['corr_id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.headers.get('x-correlation-id')).toBe(body['corr_id']);
      expect(response.headers.get('traceparent')).toMatch(
        new RegExp(`^00-${String(body['trace_id'])}-[0-9a-f]{16}-00$`),
      );
      if (path === '/livez') expect(body).not.toHaveProperty('checks');
      else
        expect(body['checks']).toMatchObject([
          { name: 'data-dir', status: 'ok' },
          { name: 'log-sink', status: 'ok', detail: 'primary' },
        ]);

      const logged = linesFor(String(body['corr_id']));
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({
        level: 'info',
        service: 'ko-app',
        trace_id: body['trace_id'],
        corr_id: body['corr_id'],
        'url.path': path,
        'http.response.status_code': 200,
      });
    },
  );

  it.each(['/healthz', '/readyz', '/livez'])(
    '%s honours traceparent and X-Correlation-Id',
    async (path) => {
      const response = await fetch(`${base}${path}?probe=1`, {
        headers: {
          traceparent: `00-${TRACE}-${PARENT_SPAN}-01`,
          'x-correlation-id': 'deploy-2026-11-27',
        },
      });
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ trace_id: TRACE, corr_id: 'deploy-2026-11-27' });
      expect(response.headers.get('x-correlation-id')).toBe('deploy-2026-11-27');
      const traceparent = response.headers.get('traceparent') ?? '';
      expect(traceparent).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-01$`));
      expect(traceparent).not.toContain(PARENT_SPAN);

      const logged = linesFor('deploy-2026-11-27');
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({
        trace_id: TRACE,
        corr_id: 'deploy-2026-11-27',
        span_id: traceparent.split('-')[2],
      });
    },
  );

  it('/readyz answers 503 and names the check that failed', async () => {
    // The real data-dir check, pointed at a path under a regular file: it cannot be created.
    const blocker = join(dir, 'not-a-dir');
    writeFileSync(blocker, 'x');
    app.readiness.registerReadinessCheck(
      'data-dir',
      (await import('../../../src/telemetry/health/builtin-checks.ts')).dataDirWritableCheck(
        join(blocker, 'state'),
      ),
    );
    app.readiness.registerReadinessCheck('queue', () => {
      throw new Error('queue unreachable');
    });
    try {
      const response = await fetch(`${base}/readyz`, {
        headers: { 'x-correlation-id': 'ready-fail' },
      });
      expect(response.status).toBe(503);
      const body = (await response.json()) as {
        status: string;
        checks: { name: string; status: string; detail?: string }[];
      };
      expect(body.status).toBe('fail');
      expect(
        body.checks.filter((check) => check.status === 'fail').map((check) => check.name),
      ).toEqual(['data-dir', 'queue']);
      expect(body.checks.find((check) => check.name === 'queue')?.detail).toBe('queue unreachable');
      const logged = linesFor('ready-fail');
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ level: 'warn', 'http.response.status_code': 503 });
      expect((await fetch(`${base}/livez`)).status).toBe(200);
    } finally {
      app.readiness.registerReadinessCheck('data-dir', () => undefined);
      app.readiness.registerReadinessCheck('queue', () => undefined);
    }
  });

  it('answers HEAD without a body, and leaves other methods to Probot (404)', async () => {
    const head = await fetch(`${base}/livez`, {
      method: 'HEAD',
      headers: { 'x-correlation-id': 'head-probe' },
    });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect(linesFor('head-probe')).toHaveLength(1);
    expect((await fetch(`${base}/livez`, { method: 'POST' })).status).toBe(404);
  });

  it('still answers other routes through Probot (ping, 404)', async () => {
    expect(await (await fetch(`${base}/ping`)).text()).toBe('PONG');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});
