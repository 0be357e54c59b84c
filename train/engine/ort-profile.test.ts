import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linearProgram, syntheticImages } from './fixtures/linear-program.ts';
import { OrtEngine } from './ort.ts';
import { summarizeProfile } from './ort-profile.ts';

const directory = await mkdtemp(join(tmpdir(), 'latentlab-profile-'));
afterAll(() => rm(directory, { recursive: true, force: true }));

const kernel = (name: string, op: string, dur: number) => ({ cat: 'Node', name: `${name}_kernel_time`, dur, args: { op_name: op, input_type_shape: [{ float: [2] }] } });

describe('summarizeProfile', () => {
  it('takes each node’s fastest run and groups by op type', async () => {
    const file = join(directory, 'trace.json');
    const events = [kernel('a', 'Conv', 30), kernel('b', 'Relu', 5), kernel('a', 'Conv', 10), kernel('b', 'Relu', 7), kernel('c', 'Conv', 20), { cat: 'Session', name: 'model_run', dur: 999 }];
    await writeFile(file, JSON.stringify(events));
    const summary = await summarizeProfile(file);
    expect(summary.runs).toBe(2);
    expect(summary.totalMicros).toBe(35);
    expect(summary.byOp.map((o) => [o.op, o.micros])).toEqual([['Conv', 30], ['Relu', 5]]);
    expect(summary.nodes[0]).toMatchObject({ name: 'c', op: 'Conv', micros: 20 });
  });

  it('reads the profile the ort engine writes', async () => {
    const engine = await OrtEngine.create(linearProgram(4), { seed: 1, threads: 1, profilePrefix: join(directory, 'run') });
    await engine.step(syntheticImages(4, 1));
    await engine.step(syntheticImages(4, 2));
    const file = await engine.endProfiling();
    await engine.dispose();
    const summary = await summarizeProfile(file!);
    expect(summary.runs).toBe(2);
    expect(summary.byOp.map((o) => o.op)).toContain('Gemm'); // onnxruntime fuses the fixture's MatMul + Add
  });
});
