import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, KoProtocolError } from '../../../contracts/codec/index.ts';

const exampleText = readFileSync(
  new URL('../../../contracts/ko-v1/examples/exec.request.json', import.meta.url),
  'utf8',
);
const example = JSON.parse(exampleText) as Record<string, unknown>;
const withChange = (change: (frame: Record<string, unknown>) => void): string => {
  const copy = structuredClone(example);
  change(copy);
  return JSON.stringify(copy);
};
const body = (frame: Record<string, unknown>) => frame.body as Record<string, unknown>;
// 20 two-byte characters: its UTF-8 byte count is its character count + 20.
const umlauts = withChange((f) => (body(f).command = 'Write-Output "ü"'.repeat(20)));

interface DecodeCase {
  name: string;
  input: string | Buffer;
  options?: Parameters<typeof decodeFrame>[1];
  expected: { code: string; offendingId?: string; path?: string; messageIncludes?: string };
}

const cases: DecodeCase[] = [
  {
    name: 'not JSON',
    input: '{"protocol_version": "ko-v1", ',
    expected: { code: 'KO_FRAME_NOT_JSON', offendingId: undefined },
  },
  {
    name: 'JSON but an array',
    input: '[1,2]',
    expected: { code: 'KO_FRAME_SCHEMA', messageIncludes: 'not an object' },
  },
  {
    name: 'wrong protocol version',
    input: withChange((f) => (f.protocol_version = 'ko-v2')),
    expected: { code: 'KO_UNKNOWN_VERSION', offendingId: example.id as string },
  },
  {
    name: 'missing protocol version',
    input: withChange((f) => delete f.protocol_version),
    expected: { code: 'KO_UNKNOWN_VERSION', offendingId: example.id as string },
  },
  {
    name: 'unknown type',
    input: withChange((f) => (f.type = 'exec.pause')),
    expected: { code: 'KO_UNKNOWN_TYPE', offendingId: example.id as string },
  },
  {
    name: 'body field out of range names the field',
    input: withChange((f) => (body(f).timeout_ms = 0)),
    expected: { code: 'KO_FRAME_SCHEMA', path: '/body/timeout_ms', messageIncludes: 'timeout_ms' },
  },
  {
    name: 'missing body field names the field',
    input: withChange((f) => delete body(f).command),
    expected: { code: 'KO_FRAME_SCHEMA', path: '/body/command' },
  },
  {
    name: 'bad trace id',
    input: withChange((f) => (f.trace_id = '0'.repeat(32))),
    expected: { code: 'KO_FRAME_SCHEMA', path: '/trace_id' },
  },
  {
    name: 'bad sent_at',
    input: withChange((f) => (f.sent_at = 'yesterday')),
    expected: { code: 'KO_FRAME_SCHEMA', path: '/sent_at' },
  },
  {
    name: 'priority above 9',
    input: withChange((f) => (f.priority = 10)),
    expected: { code: 'KO_FRAME_SCHEMA', path: '/priority' },
  },
  {
    name: 'working_dir climbing out of the root',
    input: withChange((f) => (body(f).working_dir = 'scripts/../../etc')),
    expected: { code: 'KO_FRAME_SCHEMA', path: '/body/working_dir' },
  },
  {
    name: 'absolute working_dir (Windows drive)',
    input: withChange((f) => (body(f).working_dir = 'C:\\Windows')),
    expected: { code: 'KO_FRAME_SCHEMA', path: '/body/working_dir' },
  },
  {
    name: 'apply together with dry_run',
    input: withChange((f) => {
      body(f).apply = true;
      body(f).dry_run = true;
    }),
    expected: { code: 'KO_FRAME_SCHEMA', path: '/body/dry_run' },
  },
  {
    name: 'unreadable id is not echoed',
    input: withChange((f) => {
      f.id = 'has spaces';
      f.type = 'nope';
    }),
    expected: { code: 'KO_UNKNOWN_TYPE', offendingId: undefined },
  },
  {
    name: 'oversize string',
    input: exampleText,
    options: { maxFrameBytes: 100 },
    expected: { code: 'KO_FRAME_TOO_LARGE', offendingId: example.id as string },
  },
  {
    name: 'oversize buffer counts bytes, not characters',
    input: Buffer.from(umlauts),
    options: { maxFrameBytes: umlauts.length },
    expected: { code: 'KO_FRAME_TOO_LARGE' },
  },
  {
    name: 'oversize string counts bytes, not characters',
    input: umlauts,
    options: { maxFrameBytes: umlauts.length + 19 },
    expected: { code: 'KO_FRAME_TOO_LARGE' },
  },
  {
    name: 'required capability missing',
    input: exampleText,
    options: { supportedCapabilities: ['git'] },
    expected: { code: 'KO_CAPABILITY_MISSING', messageIncludes: 'pwsh7' },
  },
  {
    name: 'unknown field in strict mode',
    input: withChange((f) => (body(f).sandbox = 'strict')),
    options: { mode: 'strict' },
    expected: { code: 'KO_FRAME_SCHEMA', path: '/body' },
  },
];

describe('decodeFrame errors', () => {
  it.each(cases)('$name → $expected.code', ({ input, options, expected }) => {
    let thrown: unknown;
    try {
      decodeFrame(input, options);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(KoProtocolError);
    const error = thrown as KoProtocolError;
    expect(error.code).toBe(expected.code);
    expect(error.hint).toBeTruthy();
    if ('offendingId' in expected) expect(error.offendingId).toBe(expected.offendingId);
    if (expected.path !== undefined) expect(error.details?.path).toBe(expected.path);
    if (expected.messageIncludes) expect(error.message).toContain(expected.messageIncludes);
  });
});

describe('decodeFrame tolerance', () => {
  it('drops unknown envelope and body fields by default and keeps the rest', () => {
    const frame = decodeFrame(
      withChange((f) => {
        f.future_envelope_field = 1;
        body(f).future_body_field = { x: 1 };
      }),
    );
    expect(frame).not.toHaveProperty('future_envelope_field');
    expect(frame.body).not.toHaveProperty('future_body_field');
    expect(frame).toEqual(example);
  });

  it('accepts a frame whose capabilities the peer has', () => {
    expect(decodeFrame(exampleText, { supportedCapabilities: ['pwsh7', 'git'] }).type).toBe(
      'exec.request',
    );
  });
});

describe('encodeFrame', () => {
  it('refuses a frame that fails its schema, naming the field', () => {
    const frame = JSON.parse(withChange((f) => (body(f).env = { 'BAD-NAME': 'x' })));
    expect(() => encodeFrame(frame)).toThrowError(/\/body\/env/);
  });

  it('refuses unknown fields: we never send what the schema does not know', () => {
    const frame = JSON.parse(withChange((f) => (f.extra = true)));
    expect(() => encodeFrame(frame)).toThrowError(KoProtocolError);
  });

  it('refuses a frame over the limit with a hint to chunk it', () => {
    const frame = JSON.parse(exampleText);
    try {
      encodeFrame(frame, { maxFrameBytes: 200 });
      expect.unreachable();
    } catch (error) {
      expect((error as KoProtocolError).code).toBe('KO_FRAME_TOO_LARGE');
      expect((error as KoProtocolError).hint).toContain('exec.chunk');
    }
  });

  it('does not modify the frame it encodes', () => {
    const frame = JSON.parse(exampleText);
    const before = structuredClone(frame);
    encodeFrame(frame);
    expect(frame).toEqual(before);
  });
});
