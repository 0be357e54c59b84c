import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeImage } from '#core/image/decode.ts';
import { preprocessImage } from '#core/image/preprocess.ts';
import type { CropRule, ManifestInput } from '#core/manifest.ts';
import { parseAttributeTable, type AttributeTable } from './attribute-table.ts';
import { cacheKey, readCachedDataset, writeCachedDataset } from './cache.ts';
import { assertDataset, type Dataset } from './dataset.ts';
import { alignFacePhoto, type FaceAlignStep } from './face-align.ts';

/**
 * The square face box for CelebA's aligned faces: the centred 140×140 crop of the 178×218 originals (left 19,
 * top 39), the common CelebA practice, here as fractions so it fits the 89×109 half-resolution copies too
 * (left 9.5, top 19.5, side 70). It keeps hair, hats and chin, which the Bald / Wearing_Hat / Goatee
 * attributes need, and drops most of the background and the neck below.
 */
export const CELEBA_ALIGNED_CROP: CropRule = { kind: 'box', left: 19 / 178, top: 39 / 218, width: 140 / 178, height: 140 / 218 };

/**
 * Where faces sit inside CELEBA_ALIGNED_CROP (fractions of the crop): the mean eye and mouth centres of the
 * face-api 68-point landmarks over CelebA images 1..200 (194 faces found), measured with
 * `npx tsx scripts/measure-face-positions.ts 200 1`. Manifests state it so uploads are aligned the same way.
 */
export const CELEBA_ALIGNED_FACE: NonNullable<ManifestInput['face']> = {
  leftEye: [0.3555, 0.5189],
  rightEye: [0.6323, 0.52],
  mouth: [0.4926, 0.8244],
};

const IMAGE_EXTENSIONS = /\.(jpe?g|png)$/i;
const TABLE_CANDIDATES = ['list_attr_celeba.txt', 'attributes.csv', 'attributes.txt'];

export interface ImageFolderOptions {
  /** A folder holding the images, either directly or in an `images/` subfolder, and optionally the attribute table. */
  dir: string;
  /** Output side in pixels; images are cropped square first. */
  size: number;
  channels?: 1 | 3;
  crop?: CropRule;
  resize?: 'area' | 'bilinear';
  /** Attribute table path; default: list_attr_celeba.txt or attributes.csv in `dir`, if present. */
  attributeFile?: string;
  /** Keep only the first N images in file-name order (quick experiments). */
  limit?: number;
  /**
   * Align every photo's largest face onto `align.face` of a square (the framing of CELEBA_ALIGNED_CROP) before
   * resizing; photos without a usable face are left out and listed in `skipped`. The crop must be `center-square`.
   */
  align?: FaceAlignStep;
  /** Where to keep the decoded dataset between runs; no caching when absent. */
  cacheDir?: string;
  name?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface LoadedFolder {
  dataset: Dataset;
  /** The preprocessing as the model manifest states it, so the API prepares uploads the same way. */
  input: ManifestInput;
  fromCache: boolean;
  seconds: number;
  /** Images left out because alignment found no usable face (reasons are known only when not read from the cache). */
  skipped: { file: string; reason: string }[];
}

function listImages(dir: string): { imagesDir: string; files: string[] } {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`dataset folder ${dir} does not exist or is not a folder`);
  const sub = join(dir, 'images');
  const imagesDir = existsSync(sub) && statSync(sub).isDirectory() ? sub : dir;
  const files = readdirSync(imagesDir)
    .filter((f) => IMAGE_EXTENSIONS.test(f))
    .sort();
  if (files.length === 0) throw new Error(`dataset folder ${imagesDir} holds no .jpg/.jpeg/.png images`);
  return { imagesDir, files };
}

function findTable(dir: string, explicit?: string): string | undefined {
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`attribute table ${explicit} does not exist`);
    return explicit;
  }
  return TABLE_CANDIDATES.map((name) => join(dir, name)).find((path) => existsSync(path));
}

/** Every image needs a row and every row an image; the first few mismatches are named. */
function matchTable(table: AttributeTable, files: string[], imagesDir: string): void {
  const present = new Set(files);
  const withoutRow = files.filter((f) => !table.rows.has(f));
  const withoutImage = [...table.rows.keys()].filter((f) => !present.has(f));
  const problems: string[] = [];
  const few = (list: string[]) => list.slice(0, 5).join(', ') + (list.length > 5 ? `, … (${list.length} in all)` : '');
  if (withoutRow.length) problems.push(`${withoutRow.length} image(s) in ${imagesDir} have no row: ${few(withoutRow)}`);
  if (withoutImage.length) problems.push(`${withoutImage.length} row(s) name images missing from ${imagesDir}: ${few(withoutImage)}`);
  if (problems.length) throw new Error(`attribute table ${table.file} does not match the images:\n  ${problems.join('\n  ')}`);
}

/**
 * Decodes, optionally face-aligns, crops and resizes a folder of JPEG/PNG images into a Dataset, reusing a cached
 * copy when the inputs are unchanged.
 */
export async function loadImageFolder(options: ImageFolderOptions): Promise<LoadedFolder> {
  const started = performance.now();
  const { size, channels = 3, crop = { kind: 'center-square' }, resize = 'area', limit, align } = options;
  if (!Number.isInteger(size) || size < 8 || size > 512) throw new Error(`image size ${size} must be an integer from 8 to 512`);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new Error(`limit ${limit} must be a positive integer`);
  // The aligned photo already is the face crop; a box crop would cut it a second time.
  if (align && crop.kind !== 'center-square') throw new Error('face alignment makes the face crop itself; use the center-square crop with it');
  const dir = resolve(options.dir);
  const { imagesDir, files: allFiles } = listImages(dir);
  const tablePath = findTable(dir, options.attributeFile);
  const table = tablePath ? parseAttributeTable(readFileSync(tablePath, 'utf8'), tablePath) : undefined;
  if (table) matchTable(table, allFiles, imagesDir);
  const files = limit ? allFiles.slice(0, limit) : allFiles;
  const input: ManifestInput = {
    channels,
    height: size,
    width: size,
    layout: 'NCHW',
    range: [0, 1],
    preprocess: { crop, resize, grayscale: channels === 1 },
    // Uploads are then aligned onto the same face positions before this preprocessing.
    ...(align && { face: align.face }),
  };
  const name = options.name ?? dir.split('/').pop() ?? 'images';

  const key = options.cacheDir
    ? cacheKey({
        format: 1,
        dir,
        input,
        align: align?.cacheKey,
        table: tablePath && { path: resolve(tablePath), ...statKey(tablePath) },
        files: files.map((f) => [f, statKey(join(imagesDir, f))]),
      })
    : undefined;
  if (key && options.cacheDir) {
    const cached = readCachedDataset(options.cacheDir, name, key);
    if (cached) {
      const kept = new Set(cached.ids);
      const skipped = files.filter((f) => !kept.has(f)).map((file) => ({ file, reason: 'no usable face (found when the cache was built)' }));
      return { dataset: cached, input, fromCache: true, seconds: (performance.now() - started) / 1000, skipped };
    }
  }

  const pixels = channels * size * size;
  let images = new Float32Array(files.length * pixels);
  const kept: string[] = [];
  const skipped: LoadedFolder['skipped'] = [];
  let firstSize: { width: number; height: number; file: string } | undefined;
  for (const [i, file] of files.entries()) {
    const path = join(imagesDir, file);
    let decoded;
    try {
      decoded = decodeImage(readFileSync(path));
    } catch (error) {
      throw new Error(`cannot read image ${path}: ${(error as Error).message}`);
    }
    // A box crop is a fixed place in an aligned image; images of another size would be cut in the wrong place.
    firstSize ??= { width: decoded.width, height: decoded.height, file };
    if (crop.kind === 'box' && (decoded.width !== firstSize.width || decoded.height !== firstSize.height)) {
      throw new Error(
        `image ${path} is ${decoded.width}×${decoded.height}, but ${firstSize.file} is ${firstSize.width}×${firstSize.height}; a box crop needs aligned images of one size`,
      );
    }
    const aligned = align ? await alignFacePhoto(align, decoded, size) : { image: decoded };
    if (aligned.image) {
      images.set(preprocessImage(aligned.image, input), kept.length * pixels);
      kept.push(file);
    } else skipped.push({ file, reason: aligned.skipped });
    options.onProgress?.(i + 1, files.length);
  }
  if (!kept.length) {
    const reasons = skipped.slice(0, 3).map((s) => `${s.file}: ${s.reason}`);
    throw new Error(`face alignment found no usable face in any of the ${files.length} images of ${imagesDir} (${reasons.join('; ')})`);
  }
  if (kept.length < files.length) images = images.slice(0, kept.length * pixels);

  const attributes: Record<string, Int8Array> = {};
  table?.names.forEach((attribute, k) => (attributes[attribute] = Int8Array.from(kept, (f) => table.rows.get(f)![k])));
  const dataset: Dataset = { name, shape: [channels, size, size], count: kept.length, images, ids: kept, attributes, continuous: {} };
  assertDataset(dataset);
  if (key && options.cacheDir) writeCachedDataset(options.cacheDir, name, key, dataset);
  return { dataset, input, fromCache: false, seconds: (performance.now() - started) / 1000, skipped };
}

function statKey(path: string): { bytes: number; mtimeMs: number } {
  const stat = statSync(path);
  return { bytes: stat.size, mtimeMs: stat.mtimeMs };
}
