import { attributeVectors, type AttributeVector } from '../latent/attribute-vectors.ts';
import { codeStatistics } from '../latent/statistics.ts';
import type { DataStage, RunContext } from './stage-data.ts';
import type { EvaluateStage } from './stage-evaluate.ts';

/** Covariances of larger codes would make manifest.json tens of megabytes; those ship the diagonal (std) only. */
const MAX_COVARIANCE_DIM = 256;

export const round = (v: number, digits = 6) => Number(v.toPrecision(digits));

export interface LatentFigures {
  dim: number;
  mean: number[];
  std: number[];
  covariance?: number[];
}

export interface AttributesStage {
  trainCodes: Float32Array;
  latent: LatentFigures;
  vectors: Record<string, AttributeVector>;
}

/** Stage 5: codes of every training image, their statistics, and one vector per attribute. */
export async function attributesStage({ config, log }: RunContext, { train, attributes }: DataStage, { codec }: EvaluateStage): Promise<AttributesStage> {
  const trainCodes = await codec.encode(train.images, train.count);
  const stats = codeStatistics(trainCodes, train.count, config.codeSize);
  const wanted = Object.fromEntries(attributes.map((n) => [n, train.attributes[n]]));
  // Every flag of the dataset is held fixed by partial effects, also those without a vector of their own.
  const { vectors, skipped } = attributeVectors(trainCodes, train.count, config.codeSize, wanted, { ...config.attributeVectors, controls: train.attributes });
  for (const [name, why] of Object.entries(skipped)) log(`attribute ${name} skipped: ${why}`);
  const covariance = config.codeSize <= MAX_COVARIANCE_DIM ? Array.from(stats.covariance, (v) => round(v)) : undefined;
  const latent = { dim: config.codeSize, mean: Array.from(stats.mean, (v) => round(v)), std: Array.from(stats.std, (v) => round(v)), ...(covariance ? { covariance } : {}) };
  return { trainCodes, latent, vectors };
}
