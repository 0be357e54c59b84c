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
  items: z.array(z.object({ x: finite, y: finite, column: z.number().int().nonnegative(), row: z.number().int().nonnegative() })),
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
