import { describe, expect, it } from 'vitest';
import { documentChecksum } from '../../../src/store/checksum.ts';
import { emptyExperience, type ExperienceDocument } from '../../../src/store/experience-types.ts';
import { inspectExperience } from '../../../src/store/inspect-experience.ts';
import {
  migrateDocument,
  type Migration,
  type RawDocument,
} from '../../../src/store/migrations.ts';

function document(overrides: Partial<ExperienceDocument> = {}): ExperienceDocument {
  const fields = {
    schema_version: 1,
    write_seq: 3,
    written_at: '2026-11-27T10:00:00.000Z',
    data: emptyExperience(),
    ...overrides,
  };
  return { ...fields, checksum: overrides.checksum ?? documentChecksum(fields) };
}
const bytes = (value: unknown): Buffer =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value, null, 1));
const good = bytes(document());

describe('inspectExperience', () => {
  it('accepts a valid document, whatever its key order or indentation', () => {
    const doc = document();
    const reordered = {
      data: doc.data,
      checksum: doc.checksum,
      written_at: doc.written_at,
      write_seq: doc.write_seq,
      schema_version: 1,
    };
    for (const input of [good, bytes(JSON.stringify(reordered))]) {
      const result = inspectExperience(input);
      expect(result.ok).toBe(true);
    }
  });

  it.each([
    { label: 'zero bytes', input: Buffer.alloc(0), problem: 'empty' },
    { label: 'whitespace', input: bytes('  \n'), problem: 'empty' },
    {
      label: 'truncated in half',
      input: good.subarray(0, Math.floor(good.length / 2)),
      problem: 'truncated',
    },
    {
      label: 'truncated by one byte',
      input: good.subarray(0, good.length - 2),
      problem: 'truncated',
    },
    { label: 'garbage', input: bytes('\u0000\u0001garbage{'), problem: 'not-json' },
    { label: 'a JSON array', input: bytes('[1,2]'), problem: 'not-a-document' },
    { label: 'no schema_version', input: bytes({ data: {} }), problem: 'not-a-document' },
    { label: 'a newer schema', input: bytes(document({ schema_version: 2 })), problem: 'too-new' },
    {
      label: 'no checksum',
      input: bytes({ ...document(), checksum: undefined }),
      problem: 'schema-invalid',
    },
    {
      label: 'an edited value',
      input: bytes({ ...document(), data: { ...emptyExperience(), counters: { x: 1 } } }),
      problem: 'checksum-mismatch',
    },
    {
      label: 'an edited write_seq',
      input: bytes({ ...document(), write_seq: 4 }),
      problem: 'checksum-mismatch',
    },
    {
      label: 'a collection of the wrong type (checksum renewed)',
      input: bytes(document({ data: { ...emptyExperience(), runs: {} as never } })),
      problem: 'schema-invalid',
    },
    {
      label: 'a scalar extra collection',
      input: bytes(document({ data: { ...emptyExperience(), later: 5 } })),
      problem: 'schema-invalid',
    },
    {
      label: 'a keyed record without id',
      input: bytes(
        document({ data: { ...emptyExperience(), workflows: { w1: { title: 'x' } as never } } }),
      ),
      problem: 'schema-invalid',
    },
  ])('$label → $problem', ({ input, problem }) => {
    const result = inspectExperience(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toBe(problem);
  });

  it('keeps what it could read of a damaged file, to say what a recovery loses', () => {
    const result = inspectExperience(bytes({ ...document(), write_seq: 9 }));
    expect(result).toMatchObject({
      ok: false,
      partial: { write_seq: 9, written_at: '2026-11-27T10:00:00.000Z' },
    });
  });

  it('allows later collections (objects or arrays) without a version bump', () => {
    const result = inspectExperience(
      bytes(document({ data: { ...emptyExperience(), jobs: { j1: { id: 'j1' } }, events: [] } })),
    );
    expect(result.ok).toBe(true);
  });
});

describe('migrations', () => {
  const v1: RawDocument = { schema_version: 1, data: { a: 1 } };
  it('returns the same document when already current', () => {
    expect(migrateDocument(v1, 1, {})).toBe(v1);
  });
  it('chains steps N → N+1', () => {
    const steps = {
      1: (d: RawDocument) => ({ ...d, schema_version: 2, step1: true }),
      2: (d: RawDocument) => ({ ...d, schema_version: 3, step2: true }),
    };
    expect(migrateDocument(v1, 3, steps)).toEqual({
      schema_version: 3,
      data: { a: 1 },
      step1: true,
      step2: true,
    });
  });
  it.each<{ label: string; steps: Record<number, Migration>; message: string }>([
    { label: 'a missing step', steps: {}, message: 'no migration from schema version 1 to 2' },
    {
      label: 'a step that skips a version',
      steps: { 1: (d: RawDocument) => ({ ...d, schema_version: 3 }) },
      message: 'produced version 3',
    },
  ])('refuses $label', ({ steps, message }) => {
    expect(() => migrateDocument(v1, 2, steps)).toThrow(message);
  });
});
