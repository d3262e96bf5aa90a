/**
 * Exit-code classes shared by the CLI, the PS7 scripts and runner results (DESIGN.md, "Exit codes").
 * TRANSIENT is the only class that is retried.
 *
 * @example process.exitCode = ExitCode.PRECONDITION;
 */
export const ExitCode = {
  OK: 0,
  PRECONDITION: 10,
  CONFLICT: 11,
  TRANSIENT: 12,
  LOGIC: 13,
} as const;

export type ExitClass = keyof typeof ExitCode;
export type ExitCodeNumber = (typeof ExitCode)[ExitClass];

/** Maps an exit-code class to the HTTP status a server answers with. */
export function httpStatusFor(exitClass: ExitClass): number {
  switch (exitClass) {
    case 'OK':
      return 200;
    case 'PRECONDITION':
      return 400;
    case 'CONFLICT':
      return 409;
    case 'TRANSIENT':
      return 503;
    case 'LOGIC':
      return 500;
  }
}
