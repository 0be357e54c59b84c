import { interpolate, sampleLatents, type LatentStatistics } from '#core/latent.ts';
import type { Dataset } from '../data/dataset.ts';
import { fitMapProjection, projectCodes } from '../latent/map.ts';
import type { OnnxCodec } from './codec.ts';
import type { ReportPictures } from './html.ts';
import { imageGrid, jpegDataUri, pngDataUri, scatterMap, type ImageShape } from './pictures.ts';

export interface FigureInputs {
  codec: OnnxCodec;
  /** PCA at the same code size, for the comparison row. */
  pca: OnnxCodec;
  validation: Dataset;
  stats: LatentStatistics;
  /** Edit grids: attribute -> vector and the suggested strength. */
  edits: { attribute: string; vector: Float32Array; strength: number }[];
  images: number;
  editImages: number;
  scale: number;
  seed: number;
}

const pick = (data: Float32Array, index: number, size: number) => data.subarray(index * size, (index + 1) * size);

function gather(dataset: Dataset, indices: number[]): Float32Array {
  const size = dataset.shape[0] * dataset.shape[1] * dataset.shape[2];
  const out = new Float32Array(indices.length * size);
  indices.forEach((index, n) => out.set(pick(dataset.images, index, size), n * size));
  return out;
}

/** Evenly spaced indices, so the pictures do not all show the first class of a sorted dataset. */
function spread(count: number, n: number): number[] {
  return Array.from({ length: Math.min(n, count) }, (_, i) => Math.floor(((i + 0.5) * count) / Math.min(n, count)));
}

/**
 * The report's pictures. Only the reconstruction grid shows dataset images; every other picture is decoded
 * from codes, so a report about a restricted dataset carries as few of its images as possible.
 */
export async function buildFigures(inputs: FigureInputs): Promise<ReportPictures> {
  const { codec, pca, validation, stats, scale } = inputs;
  const shape: ImageShape = { channels: validation.shape[0], height: validation.shape[1], width: validation.shape[2] };
  const size = codec.pixels;
  const dim = codec.dim;

  const shown = spread(validation.count, inputs.images);
  const originals = gather(validation, shown);
  const ae = await codec.reconstruct(originals, shown.length);
  const baseline = await pca.reconstruct(originals, shown.length);
  const row = (data: Float32Array) => shown.map((_, n) => pick(data, n, size));
  const reconstructions = pngDataUri(imageGrid([row(originals), row(ae), row(baseline)], shape, scale));

  const pairs = Math.max(1, Math.min(4, Math.floor(shown.length / 2)));
  const pairCodes = await codec.encode(originals, shown.length);
  const strips: Float32Array[][] = [];
  for (let p = 0; p < pairs; p++) {
    const a = pick(pairCodes, p, dim);
    const b = pick(pairCodes, shown.length - 1 - p, dim);
    const path = interpolate(Float32Array.from(a), Float32Array.from(b), 8, 'linear');
    const flat = new Float32Array(path.length * dim);
    path.forEach((z, i) => flat.set(z, i * dim));
    const decoded = await codec.decode(flat, path.length);
    strips.push(path.map((_, i) => pick(decoded, i, size)));
  }
  const interpolations = jpegDataUri(imageGrid(strips, shape, scale));

  const edits: ReportPictures['edits'] = [];
  for (const edit of inputs.edits) {
    const labels = validation.attributes[edit.attribute];
    const allNegatives: number[] = [];
    for (let i = 0; i < validation.count; i++) if (labels?.[i] < 0) allNegatives.push(i);
    const negatives = spread(allNegatives.length, inputs.editImages).map((n) => allNegatives[n]);
    if (negatives.length === 0) continue;
    const codes = await codec.encode(gather(validation, negatives), negatives.length);
    const strengths = [-edit.strength, 0, edit.strength / 2, edit.strength, 1.5 * edit.strength];
    const rows: Float32Array[][] = [];
    for (let n = 0; n < negatives.length; n++) {
      const flat = new Float32Array(strengths.length * dim);
      strengths.forEach((s, k) => {
        for (let d = 0; d < dim; d++) flat[k * dim + d] = codes[n * dim + d] + s * edit.vector[d];
      });
      const decoded = await codec.decode(flat, strengths.length);
      rows.push(strengths.map((_, k) => pick(decoded, k, size)));
    }
    edits.push({ attribute: edit.attribute, strengths, uri: pngDataUri(imageGrid(rows, shape, scale)) });
  }

  const sampleCount = 16;
  const sampled = sampleLatents(stats, sampleCount, inputs.seed);
  const flat = new Float32Array(sampleCount * dim);
  sampled.forEach((z, i) => flat.set(z, i * dim));
  const decodedSamples = await codec.decode(flat, sampleCount);
  const samples = jpegDataUri(imageGrid([0, 1].map((r) => Array.from({ length: 8 }, (_, c) => pick(decodedSamples, r * 8 + c, size))), shape, scale));

  const mapIndices = spread(validation.count, 300);
  const mapCodes = await codec.encode(gather(validation, mapIndices), mapIndices.length);
  const projection = fitMapProjection(mapCodes, mapIndices.length, dim);
  const points = projectCodes(projection, mapCodes, mapIndices.length);
  const decodedMap = await codec.decode(mapCodes, mapIndices.length);
  const latentMap = jpegDataUri(
    scatterMap(
      mapIndices.map((_, i) => [points[2 * i], points[2 * i + 1]]),
      mapIndices.map((_, i) => pick(decodedMap, i, size)),
      shape,
      Math.max(480, shape.width * 12),
    ),
  );
  return { reconstructions, interpolations, edits, samples, latentMap };
}
