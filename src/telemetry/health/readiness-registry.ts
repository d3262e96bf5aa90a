/** A dependency check: resolves (optionally with a detail) when fine, throws when down. */
export type ReadinessCheck = () => Promise<string | void> | string | void;

export interface CheckResult {
  name: string;
  status: 'ok' | 'fail';
  duration_ms: number;
  /** Detail on success, the error message on failure. */
  detail?: string;
}

export interface ReadinessRegistry {
  /** Adds (or replaces) the check called `name`. */
  registerReadinessCheck(name: string, check: ReadinessCheck): void;
  /** Runs every check concurrently, each bounded by the timeout; results in registration order. */
  runChecks(): Promise<CheckResult[]>;
}

/**
 * The checks /readyz runs. One registry per app instance, so parts started later (hub, store)
 * can add theirs.
 *
 * @example
 * const readiness = createReadinessRegistry();
 * readiness.registerReadinessCheck('data-dir', () => assertWritable(dir));
 */
export function createReadinessRegistry(options: { timeoutMs?: number } = {}): ReadinessRegistry {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const checks = new Map<string, ReadinessCheck>();

  async function runOne(name: string, check: ReadinessCheck): Promise<CheckResult> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      const detail = await Promise.race([Promise.resolve().then(check), timeout]);
      return { name, status: 'ok', duration_ms: elapsed(started), ...(detail ? { detail } : {}) };
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return { name, status: 'fail', duration_ms: elapsed(started), detail };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    registerReadinessCheck(name, check) {
      checks.set(name, check);
    },
    runChecks() {
      return Promise.all([...checks].map(([name, check]) => runOne(name, check)));
    },
  };
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}
