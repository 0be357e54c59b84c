import { oncePerKey } from '#core/once.ts';
import { z } from 'zod';
import { FaceAligner } from '#core/align/aligner.ts';
import { fileEntrySchema, type FileEntry } from '#core/manifest.ts';
import type { InferenceBackend } from '#core/runtime.ts';
import { fetchCachedFile } from './model-files.ts';

export { alignWithinBox } from '#core/align/align-box.ts';

/** The part of models/align/align.json the browser needs: which files to fetch and how to check them. */
const alignFilesSchema = z.object({
  detector: z.object({ file: fileEntrySchema }),
  landmarks: z.object({ file: fileEntrySchema }),
});

async function fetchVerified(base: URL, entry: FileEntry): Promise<Uint8Array> {
  return new Uint8Array(await fetchCachedFile(new URL(entry.path, base), entry));
}

const opened = oncePerKey<string, FaceAligner>();

/**
 * The face detector and landmark networks (models/align/, about 500 KB), fetched the first time a face model gets an
 * upload and shared by every image slot of the page. They run on the page's onnxruntime-web with the wasm provider:
 * the networks are small, and wasm avoids a GPU readback for every detection.
 */
export function openAligner(assetBase: URL, backend: InferenceBackend): Promise<FaceAligner> {
  const alignBase = new URL('models/align/', assetBase);
  return opened(alignBase.href, async () => {
    const response = await fetch(new URL('align.json', alignBase), { cache: 'no-cache' });
    if (!response.ok) throw new Error(`the face alignment models are not on this site (align.json answered HTTP ${response.status})`);
    const files = alignFilesSchema.parse(await response.json());
    const [detector, landmarks] = await Promise.all([fetchVerified(alignBase, files.detector.file), fetchVerified(alignBase, files.landmarks.file)]);
    const aligner = new FaceAligner(backend, { detector, landmarks }, { sessionOptions: { executionProviders: ['wasm'], graphOptimizationLevel: 'all' } });
    await aligner.warm();
    return aligner;
  });
}
