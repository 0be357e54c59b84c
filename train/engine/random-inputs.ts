import type { Random } from '#core/random.ts';
import type { RandomInput } from '../layers/types.ts';

/**
 * Draws what a RandomInput promises: standard normals (the graph applies `std`) or a 0/1 keep-mask.
 * Both engines draw through here, so one seed gives one run whichever engine trains.
 */
export function fillRandom(random: Random, spec: RandomInput, out: Float32Array): Float32Array {
  if (spec.kind === 'normal') return random.fillNormal(out);
  const keep = 1 - (spec.rate ?? 0);
  for (let i = 0; i < out.length; i++) out[i] = random.uniform() < keep ? 1 : 0;
  return out;
}
