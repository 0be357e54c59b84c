/**
 * Aligns a folder of unaligned face photos the way the API aligns uploads, so the trainer's folder dataset can
 * learn from them: each photo's largest face is rotated and scaled until its eyes and mouth sit where CelebA's
 * aligned faces have them (CELEBA_ALIGNED_FACE), then written as a size×size PNG. Train on the output folder with
 * `crop: 'center-square'` (the images are already square and framed like CELEBA_ALIGNED_CROP), or let the trainer
 * align the photos itself with the folder source's `align: "face"`, which runs the same steps (train/data/face-align.ts).
 * Usage: npx tsx scripts/align-folder.ts <photos dir> <output dir> [size=128]
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { decodeImage, type RgbaImage } from '#core/image/decode.ts';
import { encodePng, tensorToRgba } from '#core/image/encode.ts';
import { preprocessImage } from '#core/image/preprocess.ts';
import type { ManifestInput } from '#core/manifest.ts';
import { alignFacePhoto, loadFaceAlignStep, type FaceAlignStep } from '../train/data/face-align.ts';
import { CELEBA_ALIGNED_FACE } from '../train/data/image-folder.ts';

const PHOTO = /\.(jpe?g|png|gif)$/i;
const MAX_PHOTOS = 200_000;

export interface FolderAlignment {
  written: string[];
  skipped: { file: string; reason: string }[];
}

export async function alignFolder(inDir: string, outDir: string, size: number, step: FaceAlignStep): Promise<FolderAlignment> {
  if (!Number.isInteger(size) || size < 8 || size > 1024) throw new Error(`size ${size} must be an integer from 8 to 1024`);
  const files = readdirSync(inDir).filter((f) => PHOTO.test(f)).sort();
  if (files.length > MAX_PHOTOS) throw new Error(`${inDir} holds ${files.length} photos; at most ${MAX_PHOTOS} per run`);
  mkdirSync(outDir, { recursive: true });
  // The trainer's `align: "face"` resizes the aligned square exactly like this.
  const input: ManifestInput = { channels: 3, width: size, height: size, layout: 'NCHW', range: [0, 1], preprocess: { crop: { kind: 'center-square' }, resize: 'area', grayscale: false } };
  const result: FolderAlignment = { written: [], skipped: [] };
  for (const file of files) {
    const path = join(inDir, file);
    let photo: RgbaImage;
    try {
      photo = decodeImage(new Uint8Array(readFileSync(path)));
    } catch (error) {
      // One unreadable photo in a large folder is skipped and named, not a reason to stop the run.
      result.skipped.push({ file, reason: `cannot read image ${path}: ${(error as Error).message}` });
      continue;
    }
    const aligned = await alignFacePhoto(step, photo, size);
    if (!aligned.image) {
      result.skipped.push({ file, reason: aligned.skipped });
      continue;
    }
    const out = `${basename(file, extname(file))}.png`;
    writeFileSync(join(outDir, out), encodePng(tensorToRgba(preprocessImage(aligned.image, input), 3, size, size)));
    result.written.push(out);
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [inDir, outDir, sizeArg = '128'] = process.argv.slice(2);
  if (!inDir || !outDir) {
    console.error('usage: npx tsx scripts/align-folder.ts <photos dir> <output dir> [size=128]');
    process.exit(1);
  }
  const { written, skipped } = await alignFolder(inDir, outDir, Number(sizeArg), loadFaceAlignStep(CELEBA_ALIGNED_FACE));
  for (const s of skipped) console.error(`skipped ${s.file}: ${s.reason}`);
  console.log(`aligned ${written.length} photos into ${outDir}; skipped ${skipped.length}`);
  if (!written.length) process.exit(1);
}
