import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApprovalQueue } from '../../../src/approvals/approval-queue.ts';
import { StoreApprovalRepository } from '../../../src/approvals/store-approval-repository.ts';
import { ExperienceStore } from '../../../src/store/experience-store.ts';

const SHA = 'a'.repeat(40);

describe('StoreApprovalRepository', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ko-approvals-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const open = () =>
    ExperienceStore.open({ dataDir: dir, logger: pino({ level: 'silent' }), fsync: false });

  it('keeps items in the store, and two KO processes cannot both decide one item', async () => {
    // Two stores on one folder play two processes; each has its own queue.
    const one = new ApprovalQueue({ repository: new StoreApprovalRepository(await open()) });
    const twoRepository = new StoreApprovalRepository(await open());
    const two = new ApprovalQueue({ repository: twoRepository });
    const { item } = await one.request({
      kind: 'merge',
      requester: 'alice',
      repo: 'acme/app',
      pr: 1,
      target: SHA,
      summary: 'squash merge of #1',
      expiryMinutes: 60,
    });
    expect(await twoRepository.get(item.id.toUpperCase())).toMatchObject({
      id: item.id,
      state: 'pending',
      version: 1,
    });
    await two.proceed(item.id, 'bob');
    // The first process still holds version 1: a save based on it is refused.
    const stale = { ...item, state: 'aborted' as const, version: 2 };
    await expect(new StoreApprovalRepository(await open()).save(stale, 1)).rejects.toMatchObject({
      code: 'APPROVAL_STALE',
    });
    await expect(one.abort(item.id, 'carol')).rejects.toMatchObject({
      code: 'APPROVAL_NOT_PENDING',
    });
    const stored = await twoRepository.load();
    expect(stored.map((i) => [i.id, i.state, i.decided_by, i.version])).toEqual([
      [item.id, 'approved', 'bob', 2],
    ]);
    expect(await twoRepository.get('zzzz')).toBeUndefined();
  });
});
