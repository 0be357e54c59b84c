import type { Point } from '../align/geometry.ts';
import type { ManifestInput } from '../manifest.ts';

/**
 * Where an edit may change the photo: 1 on the face, falling smoothly to 0 at its outline, sampled on a grid over
 * the model frame (`scale` cells per model-input pixel). The outline is the jaw and the brows raised to the
 * hairline, so the decoder's blurry hair and background never leak into the photo and the seam is feathered.
 */
export interface FaceMask {
  width: number;
  height: number;
  /** Grid cells per model-input pixel. */
  scale: number;
  data: Float32Array;
}

const JAW = [0, 17] as const;
const BROWS = [17, 27] as const;
const EYES = [36, 48] as const;
const MOUTH = [48, 68] as const;
/** How far above the brows the forehead reaches, as a share of the eyes-to-mouth distance. */
const FOREHEAD = 0.45;
/** Width of the fade at the outline, as a share of the face's width; a quarter of it lies outside the outline. */
const FEATHER = 0.14;
const MASK_SCALE = 2;

const mean = (points: readonly Point[]): [number, number] => [
  points.reduce((s, p) => s + p[0], 0) / points.length,
  points.reduce((s, p) => s + p[1], 0) / points.length,
];

/** The face outline from 68 iBUG landmarks given in model-input pixels: jaw, brows lifted to the hairline. */
export function landmarkOutline(landmarks: readonly Point[]): Point[] {
  if (landmarks.length !== 68) throw new Error(`expected 68 landmarks, got ${landmarks.length}`);
  const eyes = mean(landmarks.slice(...EYES));
  const mouth = mean(landmarks.slice(...MOUTH));
  const up: Point = [(eyes[0] - mouth[0]) * FOREHEAD, (eyes[1] - mouth[1]) * FOREHEAD];
  const brows = landmarks.slice(...BROWS).map(([x, y]): Point => [x + up[0], y + up[1]]);
  return convexHull([...landmarks.slice(...JAW), ...brows]);
}

/** Without landmarks (align=none): an ellipse around where the manifest says the training faces had eyes and mouth. */
export function anchorOutline(input: Pick<ManifestInput, 'width' | 'height' | 'face'>): Point[] {
  const face = input.face ?? { leftEye: [0.35, 0.45], rightEye: [0.65, 0.45], mouth: [0.5, 0.75] };
  const px = (p: readonly [number, number]): Point => [p[0] * input.width, p[1] * input.height];
  const [l, r, m] = [px(face.leftEye), px(face.rightEye), px(face.mouth)];
  const eyeSpan = Math.hypot(r[0] - l[0], r[1] - l[1]);
  const centre: Point = [(l[0] + r[0] + m[0]) / 3, (l[1] + r[1] + m[1]) / 3];
  return Array.from({ length: 32 }, (_, k): Point => {
    const angle = (2 * Math.PI * k) / 32;
    return [centre[0] + 1.05 * eyeSpan * Math.cos(angle), centre[1] + 1.35 * eyeSpan * Math.sin(angle)];
  });
}

/** Andrew's monotone chain. Its winding depends on the axes' directions, so faceMask reads it from the signed area. */
export function convexHull(points: readonly Point[]): Point[] {
  const sorted = [...points].sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  const cross = (o: Point, a: Point, b: Point) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const half = (list: Point[]) => {
    const chain: Point[] = [];
    for (const p of list) {
      while (chain.length >= 2 && cross(chain[chain.length - 2], chain[chain.length - 1], p) <= 0) chain.pop();
      chain.push(p);
    }
    chain.pop();
    return chain;
  };
  return [...half(sorted), ...half([...sorted].reverse())];
}

/** One hull edge as a point on it and its unit normal pointing inside: the signed distance is then a dot product. */
interface Edge {
  x0: number;
  y0: number;
  nx: number;
  ny: number;
}

function inwardEdges(hull: readonly Point[], orientation: number): Edge[] {
  const edges: Edge[] = [];
  for (let i = 0; i < hull.length; i++) {
    const [x0, y0] = hull[i];
    const [x1, y1] = hull[(i + 1) % hull.length];
    const length = Math.hypot(x1 - x0, y1 - y0);
    if (length === 0) continue;
    edges.push({ x0, y0, nx: (-orientation * (y1 - y0)) / length, ny: (orientation * (x1 - x0)) / length });
  }
  return edges;
}

/** Signed distance to a convex polygon: positive inside (exact), negative outside (the most violated edge's). */
function insideDistance(edges: readonly Edge[], x: number, y: number): number {
  let distance = Infinity;
  for (const e of edges) distance = Math.min(distance, e.nx * (x - e.x0) + e.ny * (y - e.y0));
  return distance;
}

export function faceMask(width: number, height: number, outline: readonly Point[]): FaceMask {
  const hull = convexHull(outline);
  if (hull.length < 3) throw new Error('the face outline encloses no area');
  const area = hull.reduce((s, p, i) => s + p[0] * hull[(i + 1) % hull.length][1] - hull[(i + 1) % hull.length][0] * p[1], 0);
  const edges = inwardEdges(hull, Math.sign(area));
  const xs = hull.map((p) => p[0]);
  const feather = Math.max(1, FEATHER * (Math.max(...xs) - Math.min(...xs)));
  const gw = width * MASK_SCALE;
  const gh = height * MASK_SCALE;
  const data = new Float32Array(gw * gh);
  for (let j = 0; j < gh; j++) {
    for (let i = 0; i < gw; i++) {
      const x = (i + 0.5) / MASK_SCALE;
      const y = (j + 0.5) / MASK_SCALE;
      const t = Math.min(1, Math.max(0, (insideDistance(edges, x, y) + 0.25 * feather) / feather));
      // The model's output is only defined inside its frame: fade out over the last model pixel at each edge.
      const edge = Math.min(1, Math.max(0, Math.min(x, width - x, y, height - y)));
      data[j * gw + i] = t * t * (3 - 2 * t) * edge;
    }
  }
  return { width: gw, height: gh, scale: MASK_SCALE, data };
}
