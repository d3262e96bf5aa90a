import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConflictError, PreconditionError } from '../../contracts/errors.ts';
import { writeFileAtomic } from '../store/atomic-write.ts';
import { keepAside, pruneBackups } from '../store/backups.ts';
import { withFileLock, type LockGuard } from '../store/file-lock.ts';

/** Prefix of every runner token, so a leaked one is recognisable (secret scanners, logs). */
const RUNNER_TOKEN_PREFIX = 'kor_';

/** A runner token as stored: never the token itself, only its sha256. */
export interface RunnerTokenRecord {
  id: string;
  name: string;
  labels: string[];
  /** hex sha256 of the full token string. */
  token_sha256: string;
  created_at: string;
  revoked_at: string | null;
}

interface TokenFile {
  version: 1;
  tokens: RunnerTokenRecord[];
}

/** What `create` returns: the record plus the token, which is shown once and never stored. */
interface CreatedRunnerToken {
  record: RunnerTokenRecord;
  token: string;
}

function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/**
 * Runner tokens kept hashed in one JSON file. Changes are read-modify-writes under the store's
 * cross-process lock (`<file>.lock`), so two `ko runner token create` at once never lose one;
 * each write keeps the previous file as `<file>.bak-<stamp>` (the store's backup retention)
 * and replaces it atomically. Reads take no lock: a rename is atomic. sha256 rather than scrypt:
 * the tokens are 256 random bits, so there is nothing to brute-force and a slow hash would
 * only hand an attacker a cheap way to burn CPU in the upgrade handler.
 *
 * @example
 * const tokens = new RunnerTokenStore('.ko/runner-tokens.json');
 * const { token } = await tokens.create({ name: 'build-01', labels: ['windows', 'ps7'] });
 * tokens.verify(token)?.name; // 'build-01'
 */
export class RunnerTokenStore {
  readonly #file: string;
  #cache: TokenFile | undefined;
  #cacheStamp = '';

  constructor(file: string) {
    this.#file = file;
  }

  get file(): string {
    return this.#file;
  }

  /** Creates a token; the returned `token` string is the only copy there will ever be. */
  async create(input: {
    name: string;
    labels?: string[];
    now?: Date;
  }): Promise<CreatedRunnerToken> {
    const name = input.name.trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
      throw new PreconditionError(
        'RUNNER_TOKEN_BAD_NAME',
        `runner name "${input.name}" is not valid`,
        {
          hint: 'use 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit',
        },
      );
    }
    const labels = normalizeLabels(input.labels ?? []);
    return this.#update((doc) => {
      if (doc.tokens.some((t) => t.name === name && t.revoked_at === null)) {
        throw new ConflictError(
          'RUNNER_TOKEN_NAME_TAKEN',
          `an active runner token named "${name}" exists`,
          {
            hint: `revoke it first (ko runner token revoke <id>) or pick another name`,
          },
        );
      }
      const token = `${RUNNER_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
      const record: RunnerTokenRecord = {
        id: `rt_${randomBytes(6).toString('hex')}`,
        name,
        labels,
        token_sha256: sha256Hex(token),
        created_at: (input.now ?? new Date()).toISOString(),
        revoked_at: null,
      };
      doc.tokens.push(record);
      return { result: { record, token }, changed: true };
    });
  }

  /** All tokens, revoked ones included (the hash is not secret but is left out of CLI output). */
  list(): RunnerTokenRecord[] {
    return this.#read().tokens.map((t) => ({ ...t, labels: [...t.labels] }));
  }

  /** Revokes by id; revoking twice is a no-op that returns the record. */
  async revoke(id: string, now: Date = new Date()): Promise<RunnerTokenRecord> {
    return this.#update((doc) => {
      const record = doc.tokens.find((t) => t.id === id);
      if (!record) {
        throw new PreconditionError('RUNNER_TOKEN_UNKNOWN', `no runner token with id "${id}"`, {
          hint: 'list tokens with `ko runner token list`',
        });
      }
      const changed = record.revoked_at === null;
      if (changed) record.revoked_at = now.toISOString();
      return { result: { ...record, labels: [...record.labels] }, changed };
    });
  }

  /** The active record a presented token belongs to, or undefined (bad, unknown or revoked). */
  verify(presented: string | undefined): RunnerTokenRecord | undefined {
    if (!presented || !presented.startsWith(RUNNER_TOKEN_PREFIX) || presented.length > 200)
      return undefined;
    const digest = Buffer.from(sha256Hex(presented), 'hex');
    for (const record of this.#read(false).tokens) {
      const stored = Buffer.from(record.token_sha256, 'hex');
      if (stored.length === digest.length && timingSafeEqual(stored, digest)) {
        return record.revoked_at === null ? { ...record } : undefined;
      }
    }
    return undefined;
  }

  /** The token file; `copy: false` hands out the cache itself (read-only callers: verify at every connect). */
  #read(copy = true): TokenFile {
    if (!existsSync(this.#file)) return { version: 1, tokens: [] };
    // Re-read when the file changed, so a revoke from the CLI takes effect in a running hub.
    const stat = statSync(this.#file);
    const stamp = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    if (this.#cache && stamp === this.#cacheStamp)
      return copy ? structuredClone(this.#cache) : this.#cache;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.#file, 'utf8'));
    } catch (error) {
      throw corruptTokenFile(this.#file, error);
    }
    assertTokenFile(parsed, this.#file);
    this.#cache = parsed;
    this.#cacheStamp = stamp;
    return copy ? structuredClone(parsed) : parsed;
  }

  /**
   * A read-modify-write under the lock: `change` sees the file as it is on disk now (never the
   * cache, which another process may have made stale) and says whether to write it back.
   */
  async #update<T>(change: (doc: TokenFile) => { result: T; changed: boolean }): Promise<T> {
    mkdirSync(dirname(this.#file), { recursive: true });
    return withFileLock(this.#file, async (guard) => {
      this.#cache = undefined;
      const doc = this.#read();
      const { result, changed } = change(doc);
      if (changed) await this.#write(doc, guard);
      return result;
    });
  }

  async #write(doc: TokenFile, guard: LockGuard): Promise<void> {
    const now = new Date();
    try {
      await keepAside(this.#file, 'bak', now);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // The store's writer: unique temp, fsync, rename (with retry on Windows), fsync the folder;
    // it refuses to rename once the lock was taken over by someone else.
    await writeFileAtomic(this.#file, `${JSON.stringify(doc, null, 2)}\n`, {
      beforeRename: () => guard.assertHeld(),
    });
    this.#cache = undefined;
    await pruneBackups(this.#file, now);
  }
}

function normalizeLabels(labels: string[]): string[] {
  const out = new Set<string>();
  for (const raw of labels) {
    const label = raw.trim().toLowerCase();
    if (label === '') continue;
    if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(label)) {
      throw new PreconditionError('RUNNER_TOKEN_BAD_LABEL', `label "${raw}" is not valid`, {
        hint: 'labels are lower-case letters, digits, dots, dashes or underscores',
      });
    }
    out.add(label);
  }
  return [...out].sort();
}

function assertTokenFile(value: unknown, file: string): asserts value is TokenFile {
  const ok =
    typeof value === 'object' &&
    value !== null &&
    (value as { version?: unknown }).version === 1 &&
    Array.isArray((value as { tokens?: unknown }).tokens);
  if (!ok) throw corruptTokenFile(file);
}

function corruptTokenFile(file: string, cause?: unknown): PreconditionError {
  return new PreconditionError('RUNNER_TOKEN_FILE_CORRUPT', `${file} is not a runner token file`, {
    hint: `copy the newest ${file}.bak-<time> over it (every change keeps one), or move it away and create new tokens`,
    cause,
  });
}
