/**
 * Turns images into the judges' view of them: finds the face (a whole photo is aligned with the project's face
 * aligner, models/align; an image of the model frame, such as the API's face output, is used as it is), cuts the
 * judge crop and the 64×64 model frame, and runs the judges. The aligner only locates the face; every verdict
 * comes from the independent networks.
 */
import type { AlignTarget, FaceAligner } from '#core/align/aligner.ts';
import type { Similarity } from '#core/align/geometry.ts';
import { InputError } from '#core/errors.ts';
import type { RgbaImage } from '#core/image/decode.ts';
import { cutJudgeCrop, frameToModel, judgeSquare, type JudgeCrop } from './face-crop.ts';
import { FaceJudges, type Embedding, type FaceVerdict, type Recogniser } from './judges.ts';
import { laplacianVariance } from './metrics.ts';

export type ImageKind = 'photo' | 'frame';

export interface Assessment {
  /** Absent when no face was found in a photo. */
  verdict?: FaceVerdict;
  embedding?: Embedding;
  /** Variance of the Laplacian of the grey 64×64 model frame. */
  sharpness?: number;
}

const CROP_SIZE = 224;
const BATCH = 16;
const WHOLE_FRAME = { centre: [0.5, 0.5] as [number, number], side: 1 };

function greyOf(crop: JudgeCrop): Float32Array {
  const n = crop.size * crop.size;
  return Float32Array.from({ length: n }, (_, p) => 0.299 * crop.hwc[3 * p] + 0.587 * crop.hwc[3 * p + 1] + 0.114 * crop.hwc[3 * p + 2]);
}

export class FaceAssessor {
  constructor(
    private readonly judges: FaceJudges,
    private readonly aligner: FaceAligner,
    private readonly target: AlignTarget,
    private readonly recogniser: Recogniser,
  ) {}

  /** Image pixels → model-frame pixels, or undefined when a photo shows no usable face. */
  private async toModel(image: RgbaImage, kind: ImageKind): Promise<Similarity | undefined> {
    if (kind === 'frame') return frameToModel(image, this.target);
    try {
      const { matrix } = (await this.aligner.align(image, this.target)).transform;
      return { a: matrix[0], b: matrix[3], tx: matrix[2], ty: matrix[5] };
    } catch (error) {
      if (error instanceof InputError) return undefined;
      throw error;
    }
  }

  async assess(images: readonly RgbaImage[], kind: ImageKind): Promise<Assessment[]> {
    const out: Assessment[] = [];
    for (let start = 0; start < images.length; start += BATCH) {
      const batch = images.slice(start, start + BATCH);
      const located = await Promise.all(batch.map((image) => this.toModel(image, kind)));
      const found = batch.flatMap((image, i) => {
        const toModel = located[i];
        if (!toModel) return [];
        const crop = cutJudgeCrop(image, toModel, this.target, judgeSquare(this.target.face), CROP_SIZE);
        const frame = cutJudgeCrop(image, toModel, this.target, WHOLE_FRAME, this.target.width);
        return [{ i, crop, sharpness: laplacianVariance(greyOf(frame), frame.size, frame.size) }];
      });
      const crops = found.map((f) => f.crop);
      const verdicts = crops.length ? await this.judges.judge(crops) : [];
      const embeddings = this.recogniser === 'faceres' ? verdicts.map((v) => v.faceresEmbedding) : crops.length ? await this.judges.embed(crops, this.recogniser) : [];
      const results: Assessment[] = batch.map(() => ({}));
      found.forEach((f, k) => (results[f.i] = { verdict: verdicts[k], embedding: embeddings[k], sharpness: f.sharpness }));
      out.push(...results);
    }
    return out;
  }
}
