/** bench-align's third part: how often alignment finds the face in composed phone photos (scripts/composed-photos.ts). */
import type { AlignTarget, FaceAligner } from '#core/align/aligner.ts';
import { InputError } from '#core/errors.ts';
import { celebaImage } from '../edge/testing/align-fixtures.ts';
import { composePhoto, eyeError, FOUND_EYE_ERROR } from './composed-photos.ts';

const ROTATION_RANGES = [15, 35];

export async function benchComposedPhotos(aligner: FaceAligner, target: AlignTarget, first: number, count: number): Promise<void> {
  console.log(`Composed 640×480 photos of CelebA faces ${first}..${first + count - 1} (×2.5–3.5, off-centre, JPEG q90):`);
  for (const range of ROTATION_RANGES) {
    const errors: number[] = [];
    const misses: string[] = [];
    const times: number[] = [];
    for (let index = first; index < first + count; index++) {
      const photo = composePhoto(celebaImage(index), index, range);
      const start = performance.now();
      try {
        const { landmarks } = await aligner.align(photo.image, target);
        times.push(performance.now() - start);
        const error = eyeError(photo, landmarks);
        errors.push(error);
        if (error > FOUND_EYE_ERROR) misses.push(`${index} (${photo.rotationDegrees.toFixed(0)}°, wrong place)`);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        times.push(performance.now() - start);
        misses.push(`${index} (${photo.rotationDegrees.toFixed(0)}°, ${error.code})`);
      }
    }
    const sorted = [...errors].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.floor(q * (sorted.length - 1))];
    const ms = [...times].sort((a, b) => a - b);
    console.log(
      `  rotation ±${range}°: found ${count - misses.length}/${count} (${((100 * (count - misses.length)) / count).toFixed(2)}%), ` +
        `worse eye error (interocular distances) median ${at(0.5)?.toFixed(3)}, p95 ${at(0.95)?.toFixed(3)}; ` +
        `align median ${ms[Math.floor(ms.length / 2)].toFixed(1)} ms, p95 ${ms[Math.floor(0.95 * (ms.length - 1))].toFixed(1)} ms`,
    );
    if (misses.length) console.log(`    missed: ${misses.join(', ')}`);
  }
}
