import { Random } from '#core/random.ts';
import { imageSize, type Dataset } from './dataset.ts';
import { shuffleInPlace } from './split.ts';

export interface BatchOptions {
  batchSize: number;
  seed: number;
  /** Mirror each image left-right with probability 1/2 (faces; never digits, where a flip changes the class). */
  flip?: boolean;
  /** Skip an epoch's last, short batch so every batch has the static shape the training graph was built for. */
  dropLast?: boolean;
}

/** Everything needed to continue the exact batch sequence after a restart; plain JSON for a checkpoint. */
export interface BatchIteratorState {
  epoch: number;
  /** Batches already served in this epoch. */
  position: number;
  /** Generator state at the start of this epoch; the epoch's order and flips are re-derived from it. */
  rng: number[];
}

export interface Batch {
  images: Float32Array;
  count: number;
  /** Dataset index of each image in the batch. */
  indices: Int32Array;
  flipped: Uint8Array;
  epoch: number;
  /** Index of this batch within its epoch. */
  step: number;
}

/**
 * Seeded mini-batches: a fresh permutation (and flip draw) per epoch. Deriving each epoch from the generator
 * state saved at its start makes resuming mid-epoch exact without storing the permutation.
 */
export class BatchIterator {
  private epochState: BatchIteratorState;
  private order!: Int32Array;
  private flips!: Uint8Array;
  private nextRng!: number[];

  constructor(
    readonly dataset: Dataset,
    readonly options: BatchOptions,
    state?: BatchIteratorState,
  ) {
    const { batchSize, seed } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
    if ((options.dropLast ?? true) && batchSize > dataset.count) {
      throw new Error(`batchSize ${batchSize} exceeds the ${dataset.count} images of ${dataset.name}`);
    }
    this.epochState = state ? { ...state, rng: [...state.rng] } : { epoch: 0, position: 0, rng: Random.fromSeed(seed).state };
    if (!Number.isInteger(this.epochState.epoch) || this.epochState.epoch < 0) throw new Error(`batch state: bad epoch ${this.epochState.epoch}`);
    if (!Number.isInteger(this.epochState.position) || this.epochState.position < 0 || this.epochState.position > this.batchesPerEpoch) {
      throw new Error(`batch state: position ${this.epochState.position} is outside 0..${this.batchesPerEpoch}`);
    }
    this.drawEpoch();
  }

  get batchesPerEpoch(): number {
    const full = Math.floor(this.dataset.count / this.options.batchSize);
    return (this.options.dropLast ?? true) || this.dataset.count % this.options.batchSize === 0 ? full : full + 1;
  }

  get state(): BatchIteratorState {
    return { ...this.epochState, rng: [...this.epochState.rng] };
  }

  private drawEpoch(): void {
    const random = Random.fromState(this.epochState.rng);
    this.order = shuffleInPlace(Int32Array.from({ length: this.dataset.count }, (_, i) => i), random);
    this.flips = new Uint8Array(this.dataset.count);
    if (this.options.flip) for (let i = 0; i < this.flips.length; i++) this.flips[i] = random.uniform() < 0.5 ? 1 : 0;
    this.nextRng = random.state;
  }

  next(): Batch {
    if (this.epochState.position >= this.batchesPerEpoch) {
      this.epochState = { epoch: this.epochState.epoch + 1, position: 0, rng: this.nextRng };
      this.drawEpoch();
    }
    const { batchSize } = this.options;
    const step = this.epochState.position;
    const start = step * batchSize;
    const count = Math.min(batchSize, this.dataset.count - start);
    const [channels, height, width] = this.dataset.shape;
    const size = imageSize(this.dataset.shape);
    const images = new Float32Array(count * size);
    const indices = this.order.slice(start, start + count);
    const flipped = this.flips.slice(start, start + count);
    for (let k = 0; k < count; k++) {
      const source = this.dataset.images.subarray(indices[k] * size, (indices[k] + 1) * size);
      if (flipped[k]) mirrorInto(source, images.subarray(k * size, (k + 1) * size), channels, height, width);
      else images.set(source, k * size);
    }
    this.epochState.position++;
    return { images, count, indices, flipped, epoch: this.epochState.epoch, step };
  }
}

function mirrorInto(source: Float32Array, target: Float32Array, channels: number, height: number, width: number): void {
  for (let row = 0; row < channels * height; row++) {
    const offset = row * width;
    for (let x = 0; x < width; x++) target[offset + x] = source[offset + width - 1 - x];
  }
}
