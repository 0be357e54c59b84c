/** Per-image shape [channels, height, width]. */
export type ImageShape = readonly [number, number, number];

/**
 * N images held in memory as one NCHW float32 buffer with values in [0,1], plus per-image ids and
 * attributes. Binary attributes are ±1 per image; continuous ones keep the raw value they were split from.
 */
export interface Dataset {
  name: string;
  shape: ImageShape;
  count: number;
  images: Float32Array;
  ids: string[];
  attributes: Record<string, Int8Array>;
  continuous: Record<string, Float32Array>;
  /** A class label per image, when the source has one (MNIST digits). */
  labels?: { names: string[]; values: Int32Array };
}

export const imageSize = (shape: ImageShape): number => shape[0] * shape[1] * shape[2];

/** A view (no copy) of image `index` as CHW floats. */
export function imageAt(dataset: Dataset, index: number): Float32Array {
  if (!Number.isInteger(index) || index < 0 || index >= dataset.count) {
    throw new RangeError(`${dataset.name}: image index ${index} is outside 0..${dataset.count - 1}`);
  }
  const size = imageSize(dataset.shape);
  return dataset.images.subarray(index * size, (index + 1) * size);
}

/** A new dataset holding copies of the images at `indices`, in that order. */
export function subsetDataset(dataset: Dataset, indices: ArrayLike<number>, name = dataset.name): Dataset {
  const size = imageSize(dataset.shape);
  const images = new Float32Array(indices.length * size);
  for (let k = 0; k < indices.length; k++) images.set(imageAt(dataset, indices[k]), k * size);
  const pick = <T extends Int8Array | Float32Array | Int32Array>(source: T, make: (n: number) => T): T => {
    const out = make(indices.length);
    for (let k = 0; k < indices.length; k++) out[k] = source[indices[k]];
    return out;
  };
  return {
    name,
    shape: dataset.shape,
    count: indices.length,
    images,
    ids: Array.from(indices, (i) => dataset.ids[i]),
    attributes: Object.fromEntries(Object.entries(dataset.attributes).map(([k, v]) => [k, pick(v, (n) => new Int8Array(n))])),
    continuous: Object.fromEntries(Object.entries(dataset.continuous).map(([k, v]) => [k, pick(v, (n) => new Float32Array(n))])),
    labels: dataset.labels && { names: dataset.labels.names, values: pick(dataset.labels.values, (n) => new Int32Array(n)) },
  };
}

/** Checks the invariants every loader promises; a loader bug must not reach training as silent garbage. */
export function assertDataset(dataset: Dataset): void {
  const { name, shape, count, images, ids } = dataset;
  if (!shape.every((d) => Number.isInteger(d) && d > 0)) throw new Error(`${name}: image shape [${shape}] must be positive integers`);
  if (images.length !== count * imageSize(shape)) {
    throw new Error(`${name}: ${images.length} pixel values, ${count} images of [${shape}] need ${count * imageSize(shape)}`);
  }
  if (ids.length !== count) throw new Error(`${name}: ${ids.length} ids for ${count} images`);
  for (const [key, values] of Object.entries(dataset.attributes)) {
    if (values.length !== count) throw new Error(`${name}: attribute ${key} has ${values.length} values for ${count} images`);
    if (!values.every((v) => v === 1 || v === -1)) throw new Error(`${name}: attribute ${key} has values other than ±1`);
  }
  for (const [key, values] of Object.entries(dataset.continuous)) {
    if (values.length !== count) throw new Error(`${name}: continuous attribute ${key} has ${values.length} values for ${count} images`);
  }
}

/** ±1 by a median split: strictly above the median is +1, so ties fall on the negative side. */
export function medianSplit(values: Float32Array): Int8Array {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return Int8Array.from(values, (v) => (v > median ? 1 : -1));
}
