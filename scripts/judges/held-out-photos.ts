/**
 * Held-out test photos for the photo-edit benchmark: CelebA faces the faces model never trained on (the trainer's
 * validation split), each enlarged 2.5–3.5×, rotated up to ±15° and placed on a generated room-like background
 * (a lit wall gradient, soft shapes, sensor grain), encoded as JPEG. Same seed, same photos, byte for byte.
 * The photos are built in memory for a run; `--out` writes them for a look, outside the repository by default
 * (CelebA is research-only; its pictures are never committed).
 *
 *   npx tsx scripts/judges/held-out-photos.ts [--count 8] [--seed 1] [--width 640 --height 480] [--out .cache/held-out-photos]
 */
import jpeg from 'jpeg-js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { invertSimilarity, type Similarity } from '#core/align/geometry.ts';
import { warpToPlanes } from '#core/align/warp.ts';
import { decodeImage, type RgbaImage } from '#core/image/decode.ts';
import { Random } from '#core/random.ts';
import { celebaSplit, type CelebaFace } from './celeba-split.ts';

export interface PhotoOptions {
  width: number;
  height: number;
  seed: number;
}

export interface Placement {
  scale: number;
  rotationDegrees: number;
  /** Where the face image's centre lands in the photo. */
  centre: [number, number];
}

export interface HeldOutPhoto {
  face: CelebaFace;
  placement: Placement;
  jpeg: Uint8Array;
}

const between = (random: Random, lo: number, hi: number) => lo + (hi - lo) * random.uniform();

/** A wall lit from one side: a two-colour gradient, a few soft blobs (furniture, a window) and grain. */
export function background(width: number, height: number, random: Random): Float32Array {
  const base = [0, 1].map(() => [between(random, 60, 220), between(random, 60, 210), between(random, 50, 200)]);
  const angle = between(random, 0, Math.PI);
  const blobs = Array.from({ length: 3 }, () => ({
    x: between(random, 0, width),
    y: between(random, 0, height),
    r: between(random, 0.1, 0.35) * width,
    shade: between(random, -50, 50),
  }));
  const rgb = new Float32Array(width * height * 3);
  const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
  const span = Math.abs(dx) * width + Math.abs(dy) * height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = Math.min(1, Math.max(0, ((x - width / 2) * dx + (y - height / 2) * dy) / span + 0.5));
      let shade = 0;
      for (const b of blobs) shade += b.shade * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (b.r * b.r));
      const grain = (random.uniform() - 0.5) * 8;
      for (let c = 0; c < 3; c++) rgb[(y * width + x) * 3 + c] = base[0][c] * (1 - t) + base[1][c] * t + shade + grain;
    }
  }
  return rgb;
}

/** How far inside the face image a source point lies, as a 0..1 weight that fades over its outer 8%: no hard seam. */
function feather(x: number, y: number, w: number, h: number): number {
  const edge = 0.08 * Math.min(w, h);
  const inside = Math.min(x, y, w - x, h - y);
  return Math.min(1, Math.max(0, inside / edge));
}

/** Composes `face` onto a background at `placement`; returns RGBA bytes of the photo. */
export function composePhoto(face: RgbaImage, placement: Placement, backgroundRgb: Float32Array, width: number, height: number): RgbaImage {
  const theta = (placement.rotationDegrees * Math.PI) / 180;
  const s = placement.scale;
  // face pixels → photo pixels: rotate and scale about the face centre, then move it to placement.centre.
  const faceToPhoto: Similarity = { a: s * Math.cos(theta), b: s * Math.sin(theta), tx: 0, ty: 0 };
  const [cx, cy] = [face.width / 2, face.height / 2];
  faceToPhoto.tx = placement.centre[0] - (faceToPhoto.a * cx - faceToPhoto.b * cy);
  faceToPhoto.ty = placement.centre[1] - (faceToPhoto.b * cx + faceToPhoto.a * cy);
  const photoToFace = invertSimilarity(faceToPhoto);
  const planes = warpToPlanes(face, { outputToSource: photoToFace, width, height, outside: 'clamp' });
  const data = new Uint8Array(width * height * 4);
  const n = width * height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const sx = photoToFace.a * (x + 0.5) - photoToFace.b * (y + 0.5) + photoToFace.tx;
      const sy = photoToFace.b * (x + 0.5) + photoToFace.a * (y + 0.5) + photoToFace.ty;
      const alpha = feather(sx, sy, face.width, face.height);
      for (let c = 0; c < 3; c++) data[4 * i + c] = Math.round(Math.min(255, Math.max(0, alpha * planes[c * n + i] + (1 - alpha) * backgroundRgb[3 * i + c])));
      data[4 * i + 3] = 255;
    }
  }
  return { width, height, data };
}

/** A random placement that keeps the whole rotated face image inside the photo. */
export function randomPlacement(face: Pick<RgbaImage, 'width' | 'height'>, width: number, height: number, random: Random): Placement {
  const scale = between(random, 2.5, 3.5);
  const rotationDegrees = between(random, -15, 15);
  const theta = (Math.abs(rotationDegrees) * Math.PI) / 180;
  const halfW = (scale * (face.width * Math.cos(theta) + face.height * Math.sin(theta))) / 2;
  const halfH = (scale * (face.width * Math.sin(theta) + face.height * Math.cos(theta))) / 2;
  const margin = (half: number, side: number) => Math.max(0, side / 2 - half);
  const centre: [number, number] = [width / 2 + between(random, -1, 1) * margin(halfW, width), height / 2 + between(random, -1, 1) * margin(halfH, height)];
  return { scale, rotationDegrees, centre };
}

/** The photo of one face, fixed by (seed, face index): the same call always gives the same JPEG bytes. */
export function heldOutPhoto(face: CelebaFace, index: number, options: PhotoOptions): HeldOutPhoto {
  const random = Random.fromSeed(options.seed * 100_003 + index);
  const image = decodeImage(new Uint8Array(readFileSync(face.path)));
  const placement = randomPlacement(image, options.width, options.height, random);
  const photo = composePhoto(image, placement, background(options.width, options.height, random), options.width, options.height);
  return { face, placement, jpeg: new Uint8Array(jpeg.encode(photo, 90).data) };
}

/**
 * The first `count` faces of the trainer's validation split, as photos; `split: 'train'` takes training faces instead,
 * for choosing settings (such as strengths) without looking at the faces they are then measured on.
 */
export function heldOutPhotos(count: number, options: PhotoOptions, split: 'validation' | 'train' = 'validation'): HeldOutPhoto[] {
  const faces = celebaSplit()[split];
  if (count > faces.length) throw new Error(`only ${faces.length} ${split} faces exist, asked for ${count}`);
  return faces.slice(0, count).map((face, i) => heldOutPhoto(face, i, options));
}

/** The command-line options that say which photos are made: the same for the benchmark and this preview. */
export const PHOTO_ARGS = {
  seed: { type: 'string', default: '1' },
  width: { type: 'string', default: '640' },
  height: { type: 'string', default: '480' },
} as const;

function main(): void {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '8' },
      ...PHOTO_ARGS,
      out: { type: 'string', default: '.cache/held-out-photos' },
    },
  });
  const int = (name: keyof typeof values, min: number, max: number) => {
    const v = Number(values[name]);
    if (!Number.isInteger(v) || v < min || v > max) {
      console.error(`held-out-photos: --${name} must be an integer from ${min} to ${max}, got ${values[name]}`);
      process.exit(2);
    }
    return v;
  };
  const options = { count: int('count', 1, 900), seed: int('seed', 0, 1_000_000), width: int('width', 400, 4096), height: int('height', 400, 4096) };
  mkdirSync(values.out!, { recursive: true });
  for (const photo of heldOutPhotos(options.count, options)) {
    writeFileSync(join(values.out!, `held-out-${photo.face.file}`), photo.jpeg);
    const { scale, rotationDegrees, centre } = photo.placement;
    console.log(`${photo.face.file}: ×${scale.toFixed(2)}, ${rotationDegrees.toFixed(1)}°, centre ${centre.map((v) => v.toFixed(0)).join(',')}`);
  }
  console.log(`${options.count} photos in ${values.out}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
