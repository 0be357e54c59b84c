import type { AttributesFile, Manifest } from '#core/manifest.ts';
import type { Dataset } from '../data/dataset.ts';
import { attributeVectors, type AttributeVector } from './attribute-vectors.ts';
import { buildAtlas, type AtlasIndex, type AtlasOptions, type DecodeCodes } from './map.ts';
import { codeStatistics } from './statistics.ts';

export interface CodeSpaceFiles {
  latent: Manifest['latent'];
  attributes: AttributesFile;
  /** Per attribute: separation (d′) and why any attribute was left out, for report.json. */
  attributeReport: { separation: Record<string, number | null>; skipped: Record<string, string> };
  atlas: { png: Uint8Array; index: AtlasIndex };
}

/** attributes.json from the trainer's vectors: the mean difference is kept beside a vector estimated otherwise. */
export function attributesFile(vectors: Record<string, AttributeVector>): AttributesFile {
  const toFile = (v: AttributeVector) => ({
    vector: v.vector,
    positives: v.positives,
    negatives: v.negatives,
    suggestedRange: v.suggestedRange,
    method: v.method,
    ...(v.method === 'mean-difference' ? {} : { meanDifference: v.meanDifference }),
  });
  return { attributes: Object.fromEntries(Object.entries(vectors).map(([name, v]) => [name, toFile(v)])) };
}

/**
 * Everything a model folder derives from the training codes of any encoder: sampling statistics, attribute
 * vectors and the latent map. `codes` are the encoder's outputs for `dataset`'s images, in the same order; `decode`
 * draws the map's thumbnails from them.
 */
export async function codeSpaceFiles(codes: Float32Array, dim: number, dataset: Dataset, decode: DecodeCodes, atlas: AtlasOptions = {}): Promise<CodeSpaceFiles> {
  const stats = codeStatistics(codes, dataset.count, dim);
  const { vectors, skipped } = attributeVectors(codes, dataset.count, dim, dataset.attributes);
  return {
    latent: { dim, mean: Array.from(stats.mean), std: Array.from(stats.std), covariance: Array.from(stats.covariance) },
    attributes: attributesFile(vectors),
    attributeReport: { separation: Object.fromEntries(Object.entries(vectors).map(([name, v]) => [name, v.separation])), skipped },
    atlas: await buildAtlas(codes, dim, decode, dataset.shape, dataset.ids, { labels: dataset.labels, ...atlas }),
  };
}
