import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { encodePng, tensorToRgba } from '#core/image/encode.ts';
import { resamplePlanes } from '#core/image/resample.ts';
import { Random } from '#core/random.ts';
import { imageSize, type ImageShape } from '../data/dataset.ts';
import { shuffleInPlace } from '../data/split.ts';
import { codeStatistics } from './statistics.ts';

/** The 2-D PCA of the codes: position = axes·(code − mean). Shipped so a client can place a new code on the map. */
export interface MapProjection {
  mean: number[];
  /** Two rows of `dim` values. */
  axes: [number[], number[]];
  /** Share of the code variance each axis explains. */
  explained: [number, number];
}

export function fitMapProjection(codes: Float32Array, count: number, dim: number): MapProjection {
  const stats = codeStatistics(codes, count, dim);
  const covariance = new Matrix(dim, dim);
  for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) covariance.set(a, b, stats.covariance[a * dim + b]);
  const evd = new EigenvalueDecomposition(covariance, { assumeSymmetric: true });
  const order = evd.realEigenvalues.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
  const total = evd.realEigenvalues.reduce((s, v) => s + Math.max(0, v), 0) || 1;
  const axis = (k: number) => {
    const column = order[k] ? evd.eigenvectorMatrix.getColumn(order[k][1]) : new Array<number>(dim).fill(0);
    // Eigenvectors have no sign; the largest entry made positive keeps maps of the same model comparable.
    const peak = column.reduce((p, v) => (Math.abs(v) > Math.abs(p) ? v : p), 0);
    return peak < 0 ? column.map((v) => -v) : column;
  };
  const explainedBy = (k: number) => (order[k] ? Math.max(0, order[k][0]) / total : 0);
  return { mean: Array.from(stats.mean), axes: [axis(0), axis(1)], explained: [explainedBy(0), explainedBy(1)] };
}

export function projectCodes(projection: MapProjection, codes: Float32Array, count: number): Float32Array {
  const dim = projection.mean.length;
  const points = new Float32Array(count * 2);
  for (let n = 0; n < count; n++) {
    for (let k = 0; k < 2; k++) {
      let sum = 0;
      for (let j = 0; j < dim; j++) sum += projection.axes[k][j] * (codes[n * dim + j] - projection.mean[j]);
      points[n * 2 + k] = sum;
    }
  }
  return points;
}

export interface AtlasItem {
  /** Index of the code in the full set the atlas was given (the training split). */
  index: number;
  id: string;
  /** The class of that training code, when the data has classes (MNIST: "0".."9"). */
  label?: string;
  /** Its position on the 2-D map. */
  x: number;
  y: number;
  /** Its thumbnail's cell in the atlas PNG (row 0 at the top: high y). */
  column: number;
  row: number;
  /** The real training code (rounded), decoded into the thumbnail; a page blends these to decode a point. */
  code: number[];
}

export interface AtlasIndex {
  image: string;
  grid: number;
  thumbnail: number;
  /** Map coordinates covered by the grid: cell (column, row) spans its 1/grid share of [min, max] per axis. */
  bounds: { x: [number, number]; y: [number, number] };
  projection: MapProjection;
  /** How the codes on the map were drawn from the training codes. */
  sample: { kind: 'stratified' | 'shuffled'; size: number; of: number; seed: number };
  /** Thumbnails are the decoder's output for real training codes, never the training images themselves. */
  thumbnails: 'decoded-training-codes';
  items: AtlasItem[];
}

export interface AtlasOptions {
  /** Cells per side. */
  grid?: number;
  /** Thumbnail side in pixels. */
  thumbnail?: number;
  /** File name the index refers to. */
  imageName?: string;
  /** Codes drawn from all of them to fit and fill the map (default 4,000). */
  sample?: number;
  seed?: number;
  /** A class per code: the sample then takes an equal share of every class. */
  labels?: { names: string[]; values: Int32Array };
}

/** Decodes `count` codes into images of the model's shape. */
export type DecodeCodes = (codes: Float32Array, count: number) => Promise<Float32Array>;

/**
 * Which codes the map is built from: a seeded shuffle of all of them, or, with classes, an equal share of each
 * class (a class with fewer codes gives all it has), so a split sorted by class still fills the whole map.
 */
export function sampleForAtlas(count: number, size: number, seed: number, labels?: Int32Array): Int32Array {
  const random = Random.fromSeed(seed);
  if (!labels) return shuffleInPlace(Int32Array.from({ length: count }, (_, n) => n), random).slice(0, Math.min(size, count)).sort();
  const byClass = new Map<number, number[]>();
  for (let n = 0; n < count; n++) {
    const members = byClass.get(labels[n]) ?? [];
    members.push(n);
    byClass.set(labels[n], members);
  }
  const share = Math.ceil(size / Math.max(1, byClass.size));
  const picked = [...byClass.values()].flatMap((members) => Array.from(shuffleInPlace(Int32Array.from(members), random).slice(0, share)));
  return Int32Array.from(picked).sort();
}

function quantile(sorted: Float32Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
}

/** Per cell of a grid×grid tiling of the 1st-99th percentile box, the point nearest its centre. */
function nearestPerCell(points: Float32Array, grid: number): { bounds: AtlasIndex['bounds']; cells: Map<number, number> } {
  const count = points.length / 2;
  const axisBounds = (k: number): [number, number] => {
    const sorted = Float32Array.from({ length: count }, (_, n) => points[n * 2 + k]).sort();
    const low = quantile(sorted, 0.01);
    const high = quantile(sorted, 0.99);
    return high > low ? [low, high] : [low - 1, low + 1];
  };
  const bounds = { x: axisBounds(0), y: axisBounds(1) };
  const cellOf = (value: number, [low, high]: [number, number]) => Math.min(grid - 1, Math.max(0, Math.floor(((value - low) / (high - low)) * grid)));
  const centre = (cell: number, [low, high]: [number, number]) => low + ((cell + 0.5) / grid) * (high - low);
  const best = new Map<number, { n: number; distance: number }>();
  for (let n = 0; n < count; n++) {
    const x = points[n * 2];
    const y = points[n * 2 + 1];
    if (x < bounds.x[0] || x > bounds.x[1] || y < bounds.y[0] || y > bounds.y[1]) continue;
    const column = cellOf(x, bounds.x);
    const row = grid - 1 - cellOf(y, bounds.y);
    const distance = ((x - centre(column, bounds.x)) / (bounds.x[1] - bounds.x[0])) ** 2 + ((y - centre(grid - 1 - row, bounds.y)) / (bounds.y[1] - bounds.y[0])) ** 2;
    const key = row * grid + column;
    const current = best.get(key);
    if (!current || distance < current.distance) best.set(key, { n, distance });
  }
  return { bounds, cells: new Map([...best].sort((a, b) => a[0] - b[0]).map(([key, { n }]) => [key, n])) };
}

/** The thumbnail sheet: each image area-resampled into its cell, grey images repeated on R, G and B. */
function paintSheet(images: Float32Array, shape: ImageShape, cells: { column: number; row: number }[], grid: number, thumbnail: number): Uint8Array {
  const [channels, height, width] = shape;
  const side = grid * thumbnail;
  const canvas = new Float32Array(3 * side * side);
  const size = imageSize(shape);
  cells.forEach(({ column, row }, k) => {
    const planes = Array.from({ length: channels }, (_, c) => images.subarray(k * size + c * height * width, k * size + (c + 1) * height * width));
    const small = resamplePlanes(planes, width, height, { left: 0, top: 0, width, height }, thumbnail, thumbnail, 'area');
    for (let c = 0; c < 3; c++) {
      const plane = small[channels === 1 ? 0 : c];
      for (let y = 0; y < thumbnail; y++) {
        for (let x = 0; x < thumbnail; x++) canvas[c * side * side + (row * thumbnail + y) * side + column * thumbnail + x] = plane[y * thumbnail + x];
      }
    }
  });
  return encodePng(tensorToRgba(canvas, 3, side, side));
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/**
 * The latent map: a sample of all the training codes (stratified by class when there are classes), its 2-D PCA
 * cut into grid×grid cells; each cell shows the decoded code of the sampled point nearest the cell's centre
 * (cells with no point stay empty). Bounds are the 1st-99th percentiles, so a few outliers do not squeeze
 * everyone else into a corner. Only decoded codes are drawn, so no training image is copied into a model folder.
 */
export async function buildAtlas(
  codes: Float32Array,
  dim: number,
  decode: DecodeCodes,
  shape: ImageShape,
  ids: string[],
  options: AtlasOptions = {},
): Promise<{ png: Uint8Array; index: AtlasIndex }> {
  const count = ids.length;
  const grid = options.grid ?? 16;
  const thumbnail = options.thumbnail ?? Math.min(shape[1], 32);
  const seed = options.seed ?? 1;
  if (!Number.isInteger(grid) || grid < 1 || grid > 64) throw new Error(`atlas grid ${grid} must be an integer from 1 to 64`);
  if (!Number.isInteger(thumbnail) || thumbnail < 4 || thumbnail > 128) throw new Error(`atlas thumbnail ${thumbnail} must be an integer from 4 to 128`);
  if (codes.length !== count * dim) throw new Error(`atlas: ${codes.length} code values are not ${count} codes of ${dim}`);
  if (options.labels && options.labels.values.length !== count) throw new Error(`atlas: ${options.labels.values.length} labels for ${count} codes`);
  const picked = sampleForAtlas(count, options.sample ?? 4000, seed, options.labels?.values);
  const sampleCodes = new Float32Array(picked.length * dim);
  picked.forEach((n, k) => sampleCodes.set(codes.subarray(n * dim, (n + 1) * dim), k * dim));
  const projection = fitMapProjection(sampleCodes, picked.length, dim);
  const points = projectCodes(projection, sampleCodes, picked.length);
  const { bounds, cells } = nearestPerCell(points, grid);

  const shown = [...cells].map(([key, k]) => ({ key, k, n: picked[k], column: key % grid, row: Math.floor(key / grid) }));
  const shownCodes = new Float32Array(shown.length * dim);
  shown.forEach(({ n }, j) => shownCodes.set(codes.subarray(n * dim, (n + 1) * dim), j * dim));
  const png = paintSheet(await decode(shownCodes, shown.length), shape, shown, grid, thumbnail);
  const items: AtlasItem[] = shown.map(({ k, n, column, row }, j) => ({
    index: n,
    id: ids[n],
    ...(options.labels ? { label: options.labels.names[options.labels.values[n]] ?? String(options.labels.values[n]) } : {}),
    x: points[k * 2],
    y: points[k * 2 + 1],
    column,
    row,
    code: Array.from(shownCodes.subarray(j * dim, (j + 1) * dim), round3),
  }));
  const sample = { kind: options.labels ? ('stratified' as const) : ('shuffled' as const), size: picked.length, of: count, seed };
  return { png, index: { image: options.imageName ?? 'atlas.png', grid, thumbnail, bounds, projection, sample, thumbnails: 'decoded-training-codes', items } };
}
