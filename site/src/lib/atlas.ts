import { z } from 'zod';

const finite = z.number().refine(Number.isFinite, 'must be finite');
const range = z.tuple([finite, finite]).refine(([low, high]) => high > low, 'must be [low, high] with low < high');

/**
 * The latent map written by the trainer (train/latent/map.ts `AtlasIndex`, manifest key `atlasIndex`): the 2-D PCA of the
 * training codes, and a grid×grid thumbnail sheet (manifest key `atlas`) whose cells tile `bounds`, row 0 at the top.
 */
export const atlasIndexSchema = z.object({
  image: z.string(),
  grid: z.number().int().min(1).max(64),
  thumbnail: z.number().int().min(1).max(512),
  bounds: z.object({ x: range, y: range }),
  /** position = axes · (code − mean); a point of the map decodes from code = mean + x·axes[0] + y·axes[1]. */
  projection: z.object({ mean: z.array(finite), axes: z.tuple([z.array(finite), z.array(finite)]) }),
  /** How the trainer drew the codes on the map from all the training codes (older maps lack it). */
  sample: z.object({ kind: z.enum(['stratified', 'shuffled']), size: z.number().int().positive(), of: z.number().int().positive() }).optional(),
  items: z.array(
    z.object({
      x: finite,
      y: finite,
      column: z.number().int().nonnegative(),
      row: z.number().int().nonnegative(),
      id: z.string().optional(),
      /** The class of the training code (MNIST: the digit). */
      label: z.string().optional(),
      /** The real training code the thumbnail decodes. */
      code: z.array(finite).optional(),
    }),
  ),
});
export type AtlasIndex = z.infer<typeof atlasIndexSchema>;

export function pointToLatent(atlas: AtlasIndex, [x, y]: readonly [number, number]): Float32Array {
  const { mean, axes } = atlas.projection;
  return Float32Array.from(mean, (m, i) => m + x * axes[0][i] + y * axes[1][i]);
}

/** Index of the map item nearest a point, distances measured relative to the map's extent on each axis. */
export function nearestItem(atlas: AtlasIndex, [x, y]: readonly [number, number]): number {
  const width = atlas.bounds.x[1] - atlas.bounds.x[0];
  const height = atlas.bounds.y[1] - atlas.bounds.y[0];
  let best = -1;
  let bestDistance = Infinity;
  atlas.items.forEach((item, k) => {
    const d = ((item.x - x) / width) ** 2 + ((item.y - y) / height) ** 2;
    if (d < bestDistance) [best, bestDistance] = [k, d];
  });
  return best;
}

/** Neighbours blended by `latentAt`: enough to glide between codes, few enough that each stays recognisable. */
const BLEND_NEIGHBOURS = 4;

/**
 * The code to decode at a map point. Off the plane of the two axes the codes vary far more than along it, so
 * mean + x·axis₀ + y·axis₁ decodes near-average images everywhere (faces: ten alike along a walk). With real
 * training codes on the map, the point decodes the inverse-square-distance blend of its nearest ones instead,
 * which is that code itself on top of a thumbnail. Maps without codes fall back to the plane.
 */
export function latentAt(atlas: AtlasIndex, point: readonly [number, number]): Float32Array {
  const withCodes = atlas.items.filter((item) => item.code?.length === atlas.projection.mean.length);
  if (withCodes.length === 0) return pointToLatent(atlas, point);
  const width = atlas.bounds.x[1] - atlas.bounds.x[0];
  const height = atlas.bounds.y[1] - atlas.bounds.y[0];
  const nearest = withCodes
    .map((item) => ({ code: item.code!, d: ((item.x - point[0]) / width) ** 2 + ((item.y - point[1]) / height) ** 2 }))
    .sort((a, b) => a.d - b.d)
    .slice(0, BLEND_NEIGHBOURS);
  if (nearest[0].d < 1e-12) return Float32Array.from(nearest[0].code);
  const weights = nearest.map(({ d }) => 1 / d);
  const total = weights.reduce((a, b) => a + b, 0);
  const latent = new Float32Array(atlas.projection.mean.length);
  nearest.forEach(({ code }, k) => code.forEach((v, i) => (latent[i] += (weights[k] / total) * v)));
  return latent;
}
