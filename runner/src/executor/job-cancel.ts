/**
 * The abort reason for a cancel that brings its own grace period (ko-v1 `exec.cancel.grace_ms`,
 * or the runner's shutdown grace): the executor waits that long between the graceful signal and
 * the kill, instead of its default.
 *
 * @example controller.abort(new JobCancel('cancelled by the operator', 300));
 */
export class JobCancel extends Error {
  readonly graceMs: number | undefined;

  constructor(message: string, graceMs?: number) {
    super(message);
    this.name = 'JobCancel';
    this.graceMs =
      graceMs !== undefined && Number.isFinite(graceMs) && graceMs >= 0 ? graceMs : undefined;
  }
}

/**
 * The grace period an abort reason asks for, if it names one.
 *
 * @example cancelGraceOf(new JobCancel('stop', 300)); // 300
 */
export function cancelGraceOf(reason: unknown): number | undefined {
  return reason instanceof JobCancel ? reason.graceMs : undefined;
}
