/**
 * Aligns a folder of unaligned face photos the way the API aligns uploads, so the trainer's folder dataset can
 * learn from them: each photo's largest face is rotated and scaled until its eyes and mouth sit where CelebA's
 * aligned faces have them (CELEBA_ALIGNED_FACE), then written as a size×size PNG. Train on the output folder with
 * `crop: 'center-square'` (the images are already square and framed like CELEBA_ALIGNED_CROP).
 * Usage: npx tsx scripts/align-folder.ts <photos dir> <output dir> [size=128]
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { FaceAligner } from '../edge/core/align/aligner.ts';
import { nodeAligner } from '../edge/core/align/testing.ts';
import { decodeImage } from '../edge/core/image/decode.ts';
import { encodePng, tensorToRgba } from '../edge/core/image/encode.ts';
import { InputError } from '../edge/core/errors.ts';
import { resampleRgba } from '../edge/core/image/resample.ts';
import { CELEBA_ALIGNED_FACE } from '../train/data/image-folder.ts';

const PHOTO = /\.(jpe?g|png|gif)$/i;
const MAX_PHOTOS = 200_000;

export interface FolderAlignment {
  written: string[];
  skipped: { file: string; reason: string }[];
}

export async function alignFolder(inDir: string, outDir: string, size: number, aligner: FaceAligner): Promise<FolderAlignment> {
  if (!Number.isInteger(size) || size < 8 || size > 1024) throw new Error(`size ${size} must be an integer from 8 to 1024`);
  const files = readdirSync(inDir).filter((f) => PHOTO.test(f)).sort();
  if (files.length > MAX_PHOTOS) throw new Error(`${inDir} holds ${files.length} photos; at most ${MAX_PHOTOS} per run`);
  mkdirSync(outDir, { recursive: true });
  const result: FolderAlignment = { written: [], skipped: [] };
  for (const file of files) {
    try {
      const photo = decodeImage(new Uint8Array(readFileSync(join(inDir, file))));
      const { image } = await aligner.align(photo, { width: size, height: size, face: CELEBA_ALIGNED_FACE });
      const region = { left: 0, top: 0, width: image.width, height: image.height };
      const planes = resampleRgba(image.data, image.width, image.height, region, size, size, 'area', false);
      const chw = new Float32Array(3 * size * size);
      planes.forEach((plane, c) => chw.set(plane, c * size * size));
      const out = `${basename(file, extname(file))}.png`;
      writeFileSync(join(outDir, out), encodePng(tensorToRgba(chw, 3, size, size)));
      result.written.push(out);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      result.skipped.push({ file, reason: `${error.code}: ${error.message}` });
    }
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [inDir, outDir, sizeArg = '128'] = process.argv.slice(2);
  if (!inDir || !outDir) {
    console.error('usage: npx tsx scripts/align-folder.ts <photos dir> <output dir> [size=128]');
    process.exit(1);
  }
  const { written, skipped } = await alignFolder(inDir, outDir, Number(sizeArg), nodeAligner());
  for (const s of skipped) console.error(`skipped ${s.file}: ${s.reason}`);
  console.log(`aligned ${written.length} photos into ${outDir}; skipped ${skipped.length}`);
  if (!written.length) process.exit(1);
}
