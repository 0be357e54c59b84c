import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

/**
 * Seeded random stream shared by the trainer and the edge. Math.random cannot be seeded, and sampling must
 * give the same numbers for the same seed on Node, Workers and in the browser; the state is four unsigned
 * 32-bit numbers, so a checkpoint can store it and resume the exact sequence.
 */
export class Random {
  private constructor(private readonly generator: JumpableRandomGenerator) {}

  static fromSeed(seed: number): Random {
    if (!Number.isSafeInteger(seed)) throw new Error(`seed ${seed} must be a safe integer`);
    return new Random(xoroshiro128plus((seed ^ Math.floor(seed / 2 ** 32)) | 0));
  }

  static fromState(state: readonly number[]): Random {
    if (state.length !== 4 || !state.every((word) => Number.isInteger(word) && word >= 0 && word < 2 ** 32) || state.every((word) => word === 0)) {
      throw new Error('random state must be four unsigned 32-bit integers, not all zero');
    }
    return new Random(xoroshiro128plusFromState(state.map((word) => word | 0)));
  }

  get state(): number[] {
    return this.generator.getState().map((word) => word >>> 0);
  }

  /** Uniform in [0, 1), from one 32-bit draw: noise inputs fill millions of these per training step. */
  uniform(): number {
    return (this.generator.next() >>> 0) / 2 ** 32;
  }

  /** Standard normal by Box-Muller; no spare value is kept, so `state` alone fixes what comes next. */
  normal(): number {
    const u = 1 - this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  fillNormal<T extends Float32Array | Float64Array>(out: T): T {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
    return out;
  }
}
