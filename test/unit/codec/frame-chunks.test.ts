import { describe, expect, it } from 'vitest';
import {
  Assembler,
  createEnvelope,
  decodeFrame,
  splitFrameForWire,
  type ExecChunkFrame,
} from '../../../contracts/codec/index.ts';

const request = (commandLength: number) =>
  createEnvelope(
    'exec.request',
    {
      job_id: 'job-big',
      command: `Write-Output '${'x'.repeat(commandLength)}'`,
      working_dir: '.',
      timeout_ms: 1000,
      dry_run: true,
      apply: false,
      env: {},
      output_cap_bytes: 1024,
      idempotent: true,
    },
    { corrId: 'job-big', priority: 8 },
  );

describe('splitFrameForWire', () => {
  it('sends a frame that fits as itself', () => {
    const frame = request(10);
    const texts = splitFrameForWire(frame, { maxFrameBytes: 64 * 1024 });
    expect(texts).toHaveLength(1);
    expect(decodeFrame(texts[0] as string)).toEqual(frame);
  });

  it('sends an oversized frame as exec.chunk frames that each fit and reassemble to it', () => {
    const maxFrameBytes = 8 * 1024;
    const frame = request(50_000);
    const texts = splitFrameForWire(frame, { maxFrameBytes });
    expect(texts.length).toBeGreaterThan(5);
    const assembler = new Assembler({ maxBytes: 1024 * 1024 });
    for (const text of [...texts].reverse()) {
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(maxFrameBytes);
      const chunk = decodeFrame(text, { maxFrameBytes }) as ExecChunkFrame;
      expect(chunk).toMatchObject({
        type: 'exec.chunk',
        corr_id: frame.corr_id,
        trace_id: frame.trace_id,
        priority: 8,
      });
      expect(chunk.body).toMatchObject({ stream: 'frame', transfer_id: frame.id });
      assembler.add(chunk.body);
    }
    const whole = assembler.assemble();
    expect(decodeFrame(whole, { maxFrameBytes: whole.length })).toEqual(frame);
  });
});
