import { ExitCode, type ExitClass, type ExitCodeNumber } from './exit-codes.ts';

export interface KoErrorOptions {
  /** What the user should do about it; shown after the message. */
  hint?: string;
  cause?: unknown;
  /** Structured details for logs and error frames (never secrets). */
  details?: Record<string, unknown>;
}

/**
 * The base of every error KO raises on purpose. Callers map `exitClass` and `code` to process
 * exit codes, HTTP statuses and ko-v1 error frames; never parse `message`.
 *
 * @example throw new PreconditionError('CONFIG_MISSING_SECRET', 'WEBHOOK_SECRET is not set', { hint: 'set WEBHOOK_SECRET' });
 */
export class KoError extends Error {
  readonly code: string;
  readonly exitClass: ExitClass;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(exitClass: ExitClass, code: string, message: string, options: KoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitClass = exitClass;
    this.hint = options.hint;
    this.details = options.details;
  }

  get exitCode(): ExitCodeNumber {
    return ExitCode[this.exitClass];
  }

  /** The message a person reads: what was wrong, then what to do. */
  toUserMessage(): string {
    return this.hint ? `${this.message}. ${this.hint}` : this.message;
  }
}

/** Input or state is not what the operation needs; fix it and try again. */
export class PreconditionError extends KoError {
  constructor(code: string, message: string, options?: KoErrorOptions) {
    super('PRECONDITION', code, message, options);
  }
}

/** Someone else changed the thing first (lock held, SHA moved, duplicate). */
export class ConflictError extends KoError {
  constructor(code: string, message: string, options?: KoErrorOptions) {
    super('CONFLICT', code, message, options);
  }
}

/** Might work if tried again later (network, 5xx, rate limit, busy). The only retried class. */
export class TransientError extends KoError {
  constructor(code: string, message: string, options?: KoErrorOptions) {
    super('TRANSIENT', code, message, options);
  }
}

/** A bug or an impossible state: retrying will not help. */
export class LogicError extends KoError {
  constructor(code: string, message: string, options?: KoErrorOptions) {
    super('LOGIC', code, message, options);
  }
}

/** Any thrown value as a KoError (unknown errors are LOGIC). */
export function asKoError(error: unknown): KoError {
  if (error instanceof KoError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new LogicError('UNEXPECTED', message, { cause: error });
}
