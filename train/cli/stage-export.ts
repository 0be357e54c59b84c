import { buildDecoderGraph, buildEncoderGraph, type WeightStorage } from '../graphs/inference.ts';
import { pcaDecoderOnnx, pcaEncoderOnnx } from '../pca/export.ts';
import type { RunContext } from './stage-data.ts';
import type { FitStage } from './stage-fit.ts';

export interface OnnxPair {
  encoder: Uint8Array;
  decoder: Uint8Array;
}

export interface ExportStage {
  /** What ships: weights stored as the config asks (float32, float16 or int8). */
  files: OnnxPair;
  /** The same weights in float32 (the model's own figures); `files` itself when nothing is halved. */
  float32: OnnxPair;
  /** A float16 copy to report on when float32 ships (autoencoders only). */
  float16?: OnnxPair;
  pca: OnnxPair;
  parameters: number;
}

/** Stage 3: encoder.onnx and decoder.onnx from the trained weights (or PCA's, for a PCA config). */
export function exportStage({ config, spec }: RunContext, fit: FitStage): ExportStage {
  const pca = { encoder: pcaEncoderOnnx(fit.pca), decoder: pcaDecoderOnnx(fit.pca) };
  if (!spec || !fit.outcome) return { files: pca, float32: pca, pca, parameters: fit.pca.dim * (fit.pca.mean.length + 1) };
  const params = fit.outcome.params;
  const pair = (weights: WeightStorage) => ({ encoder: buildEncoderGraph(spec, params, { weights }), decoder: buildDecoderGraph(spec, params, { weights }) });
  const float32 = pair('float32');
  return {
    files: config.weights === 'float32' ? float32 : pair(config.weights),
    float32,
    float16: config.weights === 'float32' ? pair('float16') : undefined,
    pca,
    parameters: [...params.values()].reduce((sum, p) => sum + p.length, 0),
  };
}
