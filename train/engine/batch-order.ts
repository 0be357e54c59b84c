import { Random } from '#core/random.ts';

export interface BatchOrderState {
  size: number;
  epoch: number;
  /** Index into this epoch's permutation of the next example. */
  position: number;
  /** Generator state before this epoch's shuffle: the permutation is redrawn from it on resume. */
  epochRng: number[];
}

/**
 * Which examples form each batch: a fresh seeded shuffle every epoch; batches run across epoch ends.
 * The state is a few numbers, so a checkpoint resumes the exact order without storing the permutation.
 */
export class BatchOrder {
  private readonly permutation: Uint32Array;
  private epochRng: number[] = [];

  private constructor(
    readonly size: number,
    private random: Random,
    private epoch: number,
    private position: number,
  ) {
    this.permutation = new Uint32Array(size);
    this.shuffle();
  }

  static create(size: number, seed: number): BatchOrder {
    if (!Number.isInteger(size) || size < 1) throw new Error(`batch order: data set size must be a positive integer, got ${size}`);
    return new BatchOrder(size, Random.fromSeed(seed), 0, 0);
  }

  static fromState(state: BatchOrderState): BatchOrder {
    const { size, epoch, position } = state;
    if (!Number.isInteger(size) || size < 1) throw new Error(`batch order state: size must be a positive integer, got ${size}`);
    if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`batch order state: epoch must be a non-negative integer, got ${epoch}`);
    if (!Number.isInteger(position) || position < 0 || position >= size) throw new Error(`batch order state: position ${position} is outside 0..${size - 1}`);
    return new BatchOrder(size, Random.fromState(state.epochRng), epoch, position);
  }

  get state(): BatchOrderState {
    return { size: this.size, epoch: this.epoch, position: this.position, epochRng: [...this.epochRng] };
  }

  get currentEpoch(): number {
    return this.epoch;
  }

  /** Fills `out` with the next example indices. */
  next(out: Uint32Array): Uint32Array {
    for (let i = 0; i < out.length; i++) {
      if (this.position === this.size) {
        this.epoch++;
        this.position = 0;
        this.shuffle();
      }
      out[i] = this.permutation[this.position++];
    }
    return out;
  }

  private shuffle(): void {
    this.epochRng = this.random.state;
    const p = this.permutation;
    for (let i = 0; i < p.length; i++) p[i] = i;
    for (let i = p.length - 1; i > 0; i--) {
      const j = Math.floor(this.random.uniform() * (i + 1));
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
  }
}
