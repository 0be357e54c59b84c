import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { FaceAligner } from '#core/align/aligner.ts';
import { once } from '#core/once.ts';
import type { AlignerProvider } from '../routes/alignment.ts';

/** The face aligner from `<modelsDir>/align/`, loaded on first use (retried after a failure); undefined when that folder is absent. */
export function nodeAlignerProvider(modelsDir: string): AlignerProvider {
  const load = async () => {
    const read = (name: string) => readFile(join(modelsDir, 'align', name)).then((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    try {
      const [detector, landmarks] = await Promise.all([read('detector.onnx'), read('landmarks.onnx')]);
      return new FaceAligner(ort, { detector, landmarks }, { sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1 } });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };
  return once(load);
}
