import { afterEach, describe, expect, it } from 'vitest';
import { parseGateAction } from '../../../src/approvals/gate-check-run.ts';
import {
  koYml,
  startHarness,
  tickUntilDone,
  tickUntilState,
  type Harness,
} from './workflow-harness.ts';

const MANUAL = koYml({ approval: { required: true, auto_approve_synthetic: false } });

async function auditLines(h: Harness): Promise<string[]> {
  const { readFile, readdir } = await import('node:fs/promises');
  const dir = `${h.dataDir}/audit`;
  const files = (await readdir(dir)).filter((f) => f.endsWith('.jsonl')).sort();
  const text = await Promise.all(files.map((f) => readFile(`${dir}/${f}`, 'utf8')));
  return text.join('').trim().split('\n');
}

describe('workflow failure paths: checks and approvals', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('a failing required check fails the run, names the check, and nothing is merged', async () => {
    h = await startHarness({ ciOutcome: 'failure' });
    const { engine } = await h.startEngine();
    const started = await engine.startSynthetic({
      installationId: h.installationId,
      ...h.repo,
      trigger: 'label',
      requestedBy: 'alice',
      apply: true,
    });
    const run = await tickUntilDone(engine, started.id);
    expect(run.state).toBe('failed');
    expect(run.reason).toBe('required check failed: build');
    expect(h.writes.filter((w) => w.endsWith('/merge'))).toEqual([]);
    const lines = await auditLines(h);
    expect(lines.at(-1)).toContain('ended failed: required check failed: build');
    expect(lines.every((l) => l.includes(run.trace_id))).toBe(true);
  });

  it('Abort ends the run as aborted; the requester cannot decide (four eyes)', async () => {
    h = await startHarness({ config: MANUAL });
    const { engine, queue } = await h.startEngine();
    const started = await engine.startSynthetic({
      installationId: h.installationId,
      ...h.repo,
      trigger: 'comment',
      requestedBy: 'alice',
      apply: true,
    });
    const waiting = await tickUntilState(engine, started.id, 'waiting_approval');
    const id = waiting.approval_id ?? '';
    await expect(queue.proceed(id, 'alice')).rejects.toMatchObject({ code: 'FOUR_EYES' });
    // Bob presses Abort on ko/gate; the check_run.requested_action handler turns it into a decision.
    const identifier = `abort:${id}`;
    expect(() =>
      h.sandbox.clickCheckRunAction(waiting.gate?.id ?? 0, identifier, 'bob'),
    ).not.toThrow();
    const pressed = parseGateAction(identifier);
    expect(pressed).toEqual({ action: 'abort', id });
    await queue.abort(pressed?.id ?? '', 'bob', 'not today');
    await engine.onApprovalDecided({ approvalId: id });
    const run = await engine.get(started.id);
    expect(run?.state).toBe('aborted');
    expect(run?.reason).toContain('aborted by bob: not today');
    expect(h.writes.filter((w) => w.endsWith('/merge'))).toEqual([]);
    expect(h.sandbox.getPullRequest('acme/widgets', run?.pr ?? 0).state).toBe('open');
  });

  it('a push voids the approval; without any webhook, tick sees the new head, asks again, and Proceed merges that head', async () => {
    h = await startHarness({ config: MANUAL });
    const { engine, queue, store } = await h.startEngine();
    const started = await engine.startSynthetic({
      installationId: h.installationId,
      ...h.repo,
      trigger: 'comment',
      requestedBy: 'alice',
      apply: true,
    });
    const waiting = await tickUntilState(engine, started.id, 'waiting_approval');
    const first = waiting.approval_id ?? '';
    await h.sandbox.as('carol').pushCommit('acme/widgets', {
      branch: waiting.branch ?? '',
      files: { 'NOTES.md': 'later\n' },
    });
    const again = await tickUntilState(engine, started.id, 'waiting_approval');
    expect(again.head_sha).not.toBe(waiting.head_sha);
    expect(again.approval_id).not.toBe(first);
    const items = Object.values((await store.read()).approvals);
    expect(items.find((i) => i.id === first)).toMatchObject({ state: 'voided' });
    await queue.proceed(again.approval_id ?? '', 'bob');
    await engine.onApprovalDecided({ approvalId: again.approval_id ?? '' });
    const run = await tickUntilDone(engine, started.id);
    expect(run.state).toBe('merged');
    expect(h.writes.filter((w) => w.endsWith('/merge'))).toHaveLength(1);
    expect(h.sandbox.readFile('acme/widgets', 'NOTES.md')).toBe('later\n');
  });

  it('requestMerge on a person’s PR waits for Proceed, merges it; a second request joins the first run', async () => {
    h = await startHarness({ config: MANUAL });
    const { engine, queue } = await h.startEngine();
    const pr = await h.sandbox.as('alice').openPullRequest('acme/widgets', {
      head: 'feature',
      title: 'Add feature',
      files: { 'feature.txt': 'yes\n' },
    });
    const number = (pr as { number: number }).number;
    const request = {
      installationId: h.installationId,
      ...h.repo,
      pr: number,
      requestedBy: 'alice',
      apply: true,
    };
    const started = await engine.requestMerge(request);
    const again = await engine.requestMerge(request);
    expect(again.id).toBe(started.id);
    const waiting = await tickUntilState(engine, started.id, 'waiting_approval');
    expect(await engine.status({ ...h.repo, pr: number })).toContain(
      `/ko approve ${waiting.approval_id ?? ''}`,
    );
    await queue.proceed(waiting.approval_id ?? '', 'bob');
    await engine.onApprovalDecided({ approvalId: waiting.approval_id ?? '' });
    const run = await tickUntilDone(engine, started.id);
    expect(run.state).toBe('merged');
    expect(h.sandbox.readFile('acme/widgets', 'feature.txt')).toBe('yes\n');
  });

  it('the synchronize hint voids the approval at once and puts the run back on checks for the new head', async () => {
    h = await startHarness({ config: MANUAL });
    const { engine, store } = await h.startEngine();
    h.sandbox.as('alice').openPullRequest('acme/widgets', {
      head: 'feature',
      title: 'Add feature',
      files: { 'feature.txt': 'yes\n' },
    });
    const started = await engine.requestMerge({
      installationId: h.installationId,
      ...h.repo,
      pr: 1,
      requestedBy: 'alice',
      apply: true,
    });
    const waiting = await tickUntilState(engine, started.id, 'waiting_approval');
    const headSha = h.sandbox
      .as('alice')
      .pushCommit('acme/widgets', { branch: 'feature', files: { 'feature.txt': 'better\n' } });
    await engine.onPullRequestSynchronize({ ...h.repo, pr: 1, headSha });
    const moved = await engine.get(started.id);
    expect(moved?.head_sha).toBe(headSha);
    expect(['waiting_checks', 'waiting_approval']).toContain(moved?.state);
    expect(moved?.history.some((e) => e.detail.startsWith('push moved the head'))).toBe(true);
    const old = (await store.read()).approvals[waiting.approval_id ?? ''];
    expect(old).toMatchObject({ state: 'voided' });
  });

  it('an approval nobody answers expires on a tick and fails the run', async () => {
    h = await startHarness({ config: MANUAL });
    let offsetMs = 0;
    const { engine } = await h.startEngine({ now: () => new Date(Date.now() + offsetMs) });
    const started = await engine.startSynthetic({
      installationId: h.installationId,
      ...h.repo,
      trigger: 'cron',
      requestedBy: 'ko[bot]',
      apply: true,
    });
    const waiting = await tickUntilState(engine, started.id, 'waiting_approval');
    offsetMs = 61 * 60_000; // expiry_minutes is 60
    await engine.tick();
    const run = await engine.get(started.id);
    expect(run?.state).toBe('failed');
    expect(run?.reason).toBe(`approval ${waiting.approval_id ?? ''} expired unanswered`);
    const lines = await auditLines(h);
    expect(
      lines.some((l) => l.includes('approval.expire') && l.includes(run?.trace_id ?? '?')),
    ).toBe(true);
  });

  it('withdrawMerge (label removed) voids the approval and ends the run as withdrawn', async () => {
    h = await startHarness({ config: MANUAL });
    const { engine } = await h.startEngine();
    const pr = await h.sandbox.as('alice').openPullRequest('acme/widgets', {
      head: 'feature',
      title: 'Add feature',
      files: { 'feature.txt': 'yes\n' },
    });
    const number = (pr as { number: number }).number;
    const started = await engine.requestMerge({
      installationId: h.installationId,
      ...h.repo,
      pr: number,
      requestedBy: 'alice',
      apply: true,
      trigger: 'label',
    });
    const waiting = await tickUntilState(engine, started.id, 'waiting_approval');
    const run = await engine.withdrawMerge({ ...h.repo, pr: number, by: 'alice' });
    expect(run?.state).toBe('withdrawn');
    const lines = await auditLines(h);
    expect(
      lines.some((l) => l.includes('approval.void') && l.includes(waiting.approval_id ?? '?')),
    ).toBe(true);
    await engine.tick();
    expect((await engine.get(started.id))?.state).toBe('withdrawn');
    expect(h.writes.filter((w) => w.endsWith('/merge'))).toEqual([]);
  });
});
