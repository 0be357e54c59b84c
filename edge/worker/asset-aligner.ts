import { FaceAligner } from '#core/align/aligner.ts';
import { once } from '#core/once.ts';
import type { InferenceBackend } from '#core/runtime.ts';
import type { AlignerProvider } from '../routes/alignment.ts';
import { assetFetcher, type AssetsBinding } from './asset-models.ts';

/**
 * The face aligner from the static assets /models/align/ (as the Node server reads <modelsDir>/align/), loaded on
 * first use and kept for the isolate's life; undefined when the deployment ships no alignment models.
 */
export function assetAlignerProvider(assets: AssetsBinding, backend: InferenceBackend): AlignerProvider {
  const fetchAsset = assetFetcher(assets);
  const load = async () => {
    const names = ['detector.onnx', 'landmarks.onnx'];
    const responses = await Promise.all(names.map((name) => fetchAsset(`/models/align/${name}`)));
    if (responses.some((response) => response.status === 404)) return undefined;
    const [detector, landmarks] = await Promise.all(
      responses.map(async (response, k) => {
        if (!response.ok) throw new Error(`static asset /models/align/${names[k]} answered ${response.status}`);
        return new Uint8Array(await response.arrayBuffer());
      }),
    );
    return new FaceAligner(backend, { detector, landmarks });
  };
  // A failed load is retried by the next request rather than remembered for the isolate's life.
  return once(load);
}
