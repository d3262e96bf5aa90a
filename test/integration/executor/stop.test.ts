import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobFixture, type JobFixture } from './job-fixture.ts';
import { isRunning, livingGroupMembers, readPid, waitForFile } from './process-probe.ts';

let fx: JobFixture;
const strays: number[] = [];
beforeAll(() => {
  fx = createJobFixture();
});
afterAll(() => {
  for (const pid of strays) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  fx.cleanup();
});

describe('executor: timeout, cancel and the process tree (POSIX process group)', () => {
  it('timeout: Start-Sleep 30 with a 1.5 s limit is timed_out and its process group is gone', async () => {
    let pid = 0;
    const { result } = await fx.run('Start-Sleep -Seconds 30', {
      timeoutMs: 1_500,
      onStart: (info) => (pid = info.pid),
    });
    expect(result.status).toBe('timed_out');
    expect(result.error?.code).toBe('TIMED_OUT');
    expect(result.durationMs).toBeLessThan(30_000);
    expect(pid).toBeGreaterThan(0);
    expect(livingGroupMembers(pid)).toEqual([]);
  });

  it('cancel: aborting kills the engine and its grandchildren and reports cancelled, not failed', async () => {
    const marker = join(fx.root, 'cancel-started');
    const sleeperPidFile = join(fx.root, 'cancel-sleeper.pid');
    const controller = new AbortController();
    let pid = 0;
    const running = fx.run(
      [
        `bash -c 'sleep 60 & echo $! > ${sleeperPidFile}'`,
        `Set-Content -LiteralPath '${marker}' -Value started`,
        'Start-Sleep -Seconds 60',
      ].join('\n'),
      { signal: controller.signal, onStart: (info) => (pid = info.pid) },
    );
    expect(await waitForFile(marker, 45_000)).toBe(true);
    const sleeper = readPid(sleeperPidFile);
    strays.push(sleeper);
    expect(isRunning(sleeper)).toBe(true);
    controller.abort();
    const { result } = await running;
    expect(result.status).toBe('cancelled');
    expect(result.error?.code).toBe('CANCELLED');
    expect(isRunning(sleeper)).toBe(false);
    expect(livingGroupMembers(pid)).toEqual([]);
  });

  it('an engine that ignores the graceful signal is killed after the grace period', async () => {
    // A stand-in engine (any executable works as pwshPath) that shrugs off SIGTERM.
    const stubborn = join(fx.root, 'stubborn-engine.sh');
    writeFileSync(
      stubborn,
      "#!/bin/bash\ntrap 'echo got-term' TERM\nwhile true; do sleep 0.1; done\n",
      {
        mode: 0o755,
      },
    );
    let pid = 0;
    const { result, stdout } = await fx.run('ignored', {
      pwshPath: stubborn,
      timeoutMs: 300,
      graceMs: 700,
      onStart: (info) => (pid = info.pid),
    });
    expect(result).toMatchObject({ status: 'timed_out', exitCode: null });
    expect(stdout).toContain('got-term');
    expect(result.durationMs).toBeGreaterThanOrEqual(900);
    expect(livingGroupMembers(pid)).toEqual([]);
  });

  it('an already aborted signal runs nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    let started = false;
    const { result } = await fx.run('Write-Output never', {
      signal: controller.signal,
      onStart: () => (started = true),
    });
    expect(result.status).toBe('cancelled');
    expect(started).toBe(false);
  });

  it('background grandchildren holding the pipes do not hold up the result', async () => {
    const inGroup = join(fx.root, 'in-group.pid');
    const outOfGroup = join(fx.root, 'out-of-group.pid');
    let pid = 0;
    const { result, stdout } = await fx.run(
      [
        'Start-Process -FilePath sleep -ArgumentList 60',
        `bash -c 'sleep 61 & echo $! > ${inGroup}'`,
        // setsid leaves the job's process group, so only the bounded pipe wait can end this one.
        `bash -c 'setsid sleep 62 & echo $! > ${outOfGroup}'`,
        'Write-Output done',
      ].join('\n'),
      { pipeWaitMs: 1_000, onStart: (info) => (pid = info.pid) },
    );
    const escaped = readPid(outOfGroup);
    strays.push(escaped);
    expect(result).toMatchObject({ status: 'succeeded', exitCode: 0 });
    expect(stdout).toBe('done\n');
    expect(result.durationMs).toBeLessThan(50_000); // far below the sleepers' 60 s
    expect(isRunning(readPid(inGroup))).toBe(false);
    expect(livingGroupMembers(pid)).toEqual([]);
    expect(isRunning(escaped)).toBe(true); // outside the group: not ours to find, only to stop waiting for
  });
});
