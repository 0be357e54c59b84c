import type { Dataset } from './dataset.ts';

/** A small dataset whose pixel values encode the image index, for tests of splitting and batching. */
export function syntheticDataset(count: number, shape: [number, number, number] = [1, 2, 3]): Dataset {
  const size = shape[0] * shape[1] * shape[2];
  return {
    name: 'synthetic',
    shape,
    count,
    images: Float32Array.from({ length: count * size }, (_, i) => Math.floor(i / size) / count),
    ids: Array.from({ length: count }, (_, i) => `img-${i}`),
    attributes: { even: Int8Array.from({ length: count }, (_, i) => (i % 2 === 0 ? 1 : -1)) },
    continuous: {},
  };
}
