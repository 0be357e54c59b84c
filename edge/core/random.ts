/**
 * Seeded PRNG (xoshiro128**) shared by the trainer and the edge. Math.random cannot be seeded, and
 * sampling must give the same numbers for the same seed on Node, Workers and in the browser; the state is
 * four plain numbers so a checkpoint can store it and resume the exact sequence. Written here rather than
 * taken from pure-rand because its xoroshiro128+ puts a small integer seed straight into the state, so the
 * first draws are nearly degenerate (a gradient check here drew an all-zero noise vector), and API samples
 * and gradient checks use exactly those first draws; splitmix32 seeding below avoids that.
 */
export class Random {
  private constructor(private readonly words: Uint32Array) {}

  static fromSeed(seed: number): Random {
    if (!Number.isSafeInteger(seed)) throw new Error(`seed ${seed} must be a safe integer`);
    // splitmix32 spreads the seed's bits over all four state words, as xoshiro's authors recommend.
    let x = (seed >>> 0) ^ Math.floor(seed / 2 ** 32);
    const words = new Uint32Array(4);
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      words[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (words.every((w) => w === 0)) words[0] = 1;
    return new Random(words);
  }

  static fromState(state: readonly number[]): Random {
    if (state.length !== 4 || !state.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32) || state.every((w) => w === 0)) {
      throw new Error('random state must be four 32-bit unsigned integers, not all zero');
    }
    return new Random(Uint32Array.from(state));
  }

  get state(): number[] {
    return Array.from(this.words);
  }

  private nextUint32(): number {
    const s = this.words;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 2 ** 32;
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

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
