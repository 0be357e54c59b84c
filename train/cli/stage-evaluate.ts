import type { Report } from '../report/report.ts';
import { reconstructionMetrics, type ReconstructionMetrics } from '../pca/metrics.ts';
import { OnnxCodec } from '../report/codec.ts';
import type { DataStage, RunContext } from './stage-data.ts';
import type { ExportStage, OnnxPair } from './stage-export.ts';
import type { FitStage } from './stage-fit.ts';

export interface EvaluateStage {
  /** The shipped files, as the API will run them; the caller closes both codecs. */
  codec: OnnxCodec;
  pcaCodec: OnnxCodec;
  model: ReconstructionMetrics;
  exported: ReconstructionMetrics;
  baseline: ReconstructionMetrics;
  float16?: Report['validation']['float16'];
  /** Model MSE / PCA MSE; null when PCA could not reach the code size. */
  ratio: number | null;
}

/** Stage 4: validation MSE of what ships, of the float32 weights, of a float16 copy and of PCA, all through onnxruntime. */
export async function evaluateStage({ config, log }: RunContext, { train, validation }: DataStage, fit: FitStage, exported: ExportStage): Promise<EvaluateStage> {
  const shape = train.shape as [number, number, number];
  const open = (pair: OnnxPair, dim: number) => OnnxCodec.open(pair.encoder, pair.decoder, shape, dim, config.device);
  const measure = async (codec: OnnxCodec) => reconstructionMetrics(validation.images, await codec.reconstruct(validation.images, validation.count), validation.count);
  const measureOnce = async (pair: OnnxPair) => {
    const codec = await open(pair, config.codeSize);
    try {
      return await measure(codec);
    } finally {
      await codec.close();
    }
  };
  const codec = await open(exported.files, config.codeSize);
  const pcaCodec = await open(exported.pca, fit.pcaDim).catch(async (error: unknown) => {
    await codec.close();
    throw error;
  });
  try {
    return await compare();
  } catch (error) {
    await codec.close();
    await pcaCodec.close();
    throw error;
  }

  async function compare(): Promise<EvaluateStage> {
    const shipped = await measure(codec);
    const model = exported.float32 === exported.files ? shipped : await measureOnce(exported.float32);
    const half = exported.float16 && (await measureOnce(exported.float16));
    const float16 = half && exported.float16 ? { mse: half.mse, psnr: half.psnr, encoderBytes: exported.float16.encoder.byteLength, decoderBytes: exported.float16.decoder.byteLength } : undefined;
    const baseline = await measure(pcaCodec);
    const ratio = fit.pcaLimit ? null : model.mse / baseline.mse;
    log(
      `validation MSE ${model.mse.toPrecision(4)} (PSNR ${model.psnr.toFixed(2)} dB); PCA-${fit.pcaDim} ${baseline.mse.toPrecision(4)}; ` +
        (fit.pcaLimit ? `no ratio: PCA is limited to ${fit.pcaDim} components (the number of ${fit.pcaLimit}) < code size ${config.codeSize}` : `ratio ${ratio!.toFixed(3)}`),
    );
    return { codec, pcaCodec, model, exported: shipped, baseline, float16, ratio };
  }
}
