import { mkdir, mkdtemp, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FaceAligner } from '#core/align/aligner.ts';
import { nodeAlignerProvider } from './aligner.ts';

const dirs: string[] = [];
afterEach(async () => Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true }))));

async function modelsDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'latentlab-aligner-'));
  dirs.push(dir);
  return dir;
}

describe('nodeAlignerProvider', () => {
  it('answers undefined when the models folder has no align/', async () => {
    expect(await nodeAlignerProvider(await modelsDir())()).toBeUndefined();
  });

  it('retries a failed load instead of keeping the failure for the life of the server', async () => {
    const dir = await modelsDir();
    await mkdir(join(dir, 'align', 'detector.onnx'), { recursive: true }); // a folder where a file belongs: EISDIR
    await writeFile(join(dir, 'align', 'landmarks.onnx'), new Uint8Array([1]));
    const aligner = nodeAlignerProvider(dir);
    await expect(aligner()).rejects.toThrow(/EISDIR|illegal operation/);
    await rmdir(join(dir, 'align', 'detector.onnx'));
    await writeFile(join(dir, 'align', 'detector.onnx'), new Uint8Array([1]));
    expect(await aligner()).toBeInstanceOf(FaceAligner);
  });
});
