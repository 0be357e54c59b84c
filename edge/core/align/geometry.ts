/** 2-D points and the similarity transforms (rotation, uniform scale, translation) alignment needs. */
export type Point = readonly [number, number];

/** x' = a·x − b·y + tx,  y' = b·x + a·y + ty  (a = s·cos θ, b = s·sin θ). */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

export function applySimilarity(t: Similarity, [x, y]: Point): [number, number] {
  return [t.a * x - t.b * y + t.tx, t.b * x + t.a * y + t.ty];
}

export function invertSimilarity(t: Similarity): Similarity {
  const n = t.a * t.a + t.b * t.b;
  if (!(n > 0)) throw new Error('similarity transform with zero scale cannot be inverted');
  const a = t.a / n;
  const b = -t.b / n;
  return { a, b, tx: -(a * t.tx - b * t.ty), ty: -(b * t.tx + a * t.ty) };
}

export function similarityScale(t: Similarity): number {
  return Math.hypot(t.a, t.b);
}

export function similarityRotationDegrees(t: Similarity): number {
  return (Math.atan2(t.b, t.a) * 180) / Math.PI;
}

/**
 * Least-squares similarity taking `from[i]` to `to[i]` (Umeyama's method, which in 2-D without reflection
 * reduces to one complex ratio: a + ib = Σ (q−q̄)·conj(p−p̄) / Σ |p−p̄|²).
 */
export function fitSimilarity(from: readonly Point[], to: readonly Point[]): Similarity {
  if (from.length !== to.length || from.length < 2) throw new Error('fitSimilarity needs at least two matching point pairs');
  const mean = (pts: readonly Point[]) => pts.reduce<[number, number]>((m, p) => [m[0] + p[0] / pts.length, m[1] + p[1] / pts.length], [0, 0]);
  const [px, py] = mean(from);
  const [qx, qy] = mean(to);
  let re = 0;
  let im = 0;
  let norm = 0;
  from.forEach(([x, y], i) => {
    const ux = x - px;
    const uy = y - py;
    const vx = to[i][0] - qx;
    const vy = to[i][1] - qy;
    re += vx * ux + vy * uy;
    im += vy * ux - vx * uy;
    norm += ux * ux + uy * uy;
  });
  if (!(norm > 0)) throw new Error('fitSimilarity: the source points coincide');
  const a = re / norm;
  const b = im / norm;
  return { a, b, tx: qx - (a * px - b * py), ty: qy - (b * px + a * py) };
}
