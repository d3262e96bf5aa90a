// `npm run demo [-- --once [--json]]`: wiring only (demo-stack.ts, run-demo.ts do the work).
import { asKoError } from '../../contracts/errors.ts';
import { ExitCode } from '../../contracts/exit-codes.ts';
import { startDemoStack } from './demo-stack.ts';
import { runDemo, type DemoResult } from './run-demo.ts';

function exitCodeOf(result: DemoResult): number {
  if (result.final_state === 'merged') return ExitCode.OK;
  if (result.final_state === 'conflict') return ExitCode.CONFLICT;
  if (result.final_state.startsWith('timed_out')) return ExitCode.TRANSIENT;
  return ExitCode.PRECONDITION;
}

function timeline(result: DemoResult): string {
  const lines = result.steps.map((s) => `  ${s.at}  ${s.name.padEnd(32)} ${s.detail ?? ''}`);
  return [
    `KO demo: synthetic workflow ${result.final_state} (trace ${result.trace_id})`,
    `PR: ${result.pr_url ?? 'none'}`,
    ...lines,
  ].join('\n');
}

const args = new Set(process.argv.slice(2));
const once = args.has('--once');
const json = args.has('--json');
try {
  const stack = await startDemoStack();
  const result = await runDemo(stack);
  const code = exitCodeOf(result);
  if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(`${timeline(result)}\n`);
  if (once) {
    await stack.stop();
    process.exit(code);
  }
  process.stdout.write(
    [
      '',
      `App:        http://127.0.0.1:${stack.app.port} (health: /healthz)`,
      `Stand-in:   ${stack.sandbox.url} (GitHub API under /api/v3, controls under /_sandbox)`,
      `Logs:       ${stack.logFile}`,
      `Trace:      ko trace ${result.trace_id} (with KO_DATA_DIR=${stack.dir}/data)`,
      'Staying up; Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
  const stop = (): void => {
    void stack.stop().finally(() => process.exit(ExitCode.OK));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  const koError = asKoError(error);
  process.stderr.write(`ko demo: ${koError.toUserMessage()}\n`);
  process.exit(koError.exitCode);
}
