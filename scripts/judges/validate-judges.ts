/**
 * Validates the independent judges on CelebA's own labels and the recognisers on pairs, before they judge edits.
 *
 *   npx tsx scripts/judges/validate-judges.ts [--faces 300] [--json]
 *
 * Attribute judges: `--faces` training-split faces set each score's balanced threshold (calibration), `--faces`
 * validation-split faces (those the photo benchmark uses) report AUC and accuracy, both at the network's own rule
 * (probability ≥ 0.5) and at the calibrated threshold. Young is judged by −age; its threshold is an age.
 * Recognisers: each validation face against the others: the same face mirrored, and shifted by 4% of the crop and
 * zoomed 8%, must be nearest to its own original (rank-1), and same-face similarities must rank above others' (AUC).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { decodeImage } from '#core/image/decode.ts';
import { cropRegion } from '#core/image/preprocess.ts';
import { CELEBA_ALIGNED_CROP, CELEBA_ALIGNED_FACE } from '../../train/data/image-folder.ts';
import { celebaSplit, type CelebaFace } from './celeba-split.ts';
import { cutJudgeCrop, judgeSquare, type JudgeCrop, type JudgeSquare } from './face-crop.ts';
import { FaceJudges, type FaceVerdict, type Recogniser } from './judges.ts';
import { accuracyAt, balancedThreshold, dot, rank1Hits, rocAuc } from './metrics.ts';

const MODEL_FRAME = { width: 64 };
const CROP_SIZE = 224;
const BATCH = 16;

/** The judge crop of an aligned CelebA face: its model frame is CelebA's 140×140 face box (CELEBA_ALIGNED_CROP). */
export function celebaJudgeCrop(path: string, square: JudgeSquare = judgeSquare(CELEBA_ALIGNED_FACE)): JudgeCrop {
  const image = decodeImage(new Uint8Array(readFileSync(path)));
  const box = cropRegion(CELEBA_ALIGNED_CROP, image.width, image.height);
  const s = MODEL_FRAME.width / box.width;
  return cutJudgeCrop(image, { a: s, b: 0, tx: -box.left * s, ty: -box.top * s }, MODEL_FRAME, square, CROP_SIZE);
}

function mirrored(crop: JudgeCrop): JudgeCrop {
  const { size, hwc } = crop;
  const out = new Float32Array(hwc.length);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) out.set(hwc.subarray((y * size + x) * 3, (y * size + x) * 3 + 3), (y * size + size - 1 - x) * 3);
  return { size, hwc: out };
}

async function inBatches<T>(items: readonly JudgeCrop[], run: (batch: JudgeCrop[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(...(await run(items.slice(i, i + BATCH))));
  return out;
}

interface AttributeCheck {
  attribute: string;
  judge: string;
  /** Score per verdict; higher means the attribute is present. */
  score: (v: FaceVerdict) => number;
  /** The network's own decision rule as a threshold on the score, when it has one. */
  ownThreshold?: number;
}

const CHECKS: AttributeCheck[] = [
  { attribute: 'Smiling', judge: 'emotion happy', score: (v) => v.happy, ownThreshold: 0.5 },
  { attribute: 'Male', judge: 'faceres gender', score: (v) => v.maleFaceres, ownThreshold: 0.5 },
  { attribute: 'Male', judge: 'gear gender', score: (v) => v.maleGear, ownThreshold: 0.5 },
  { attribute: 'Young', judge: 'faceres age', score: (v) => -v.ageFaceres },
  { attribute: 'Young', judge: 'faceres mean age', score: (v) => -v.ageFaceresMean },
  { attribute: 'Young', judge: 'gear age', score: (v) => -v.ageGear },
  { attribute: 'Young', judge: 'ssrnet age', score: (v) => -v.ageSsrnet },
];

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : 'n/a');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { faces: { type: 'string', default: '300' }, json: { type: 'boolean', default: false } } });
  const count = Number(values.faces);
  if (!Number.isInteger(count) || count < 20 || count > 900) {
    console.error(`validate-judges: --faces must be an integer from 20 to 900 (the validation split holds 900), got ${values.faces}`);
    process.exit(2);
  }
  const split = celebaSplit();
  const calibration = split.train.filter((_, i) => i % Math.floor(split.train.length / count) === 0).slice(0, count);
  const validation = split.validation.slice(0, count);
  const judges = await FaceJudges.load();
  const started = performance.now();
  const verdicts = async (faces: CelebaFace[]) => inBatches(faces.map((f) => celebaJudgeCrop(f.path)), (b) => judges.judge(b));
  const [calibrationVerdicts, validationVerdicts] = [await verdicts(calibration), await verdicts(validation)];
  const rows = CHECKS.map((check) => {
    const labels = (faces: CelebaFace[]) => faces.map((f) => f.labels[check.attribute]);
    const threshold = balancedThreshold(calibrationVerdicts.map(check.score), labels(calibration));
    const scores = validationVerdicts.map(check.score);
    const truth = labels(validation);
    return {
      attribute: check.attribute,
      judge: check.judge,
      auc: rocAuc(scores, truth),
      accuracyOwnRule: check.ownThreshold === undefined ? Number.NaN : accuracyAt(scores, truth, check.ownThreshold),
      calibratedThreshold: check.attribute === 'Young' ? -threshold : threshold,
      accuracyCalibrated: accuracyAt(scores, truth, threshold),
      positives: truth.filter(Boolean).length,
    };
  });
  console.log(`Attribute judges on ${validation.length} validation-split faces (thresholds calibrated on ${calibration.length} training-split faces)\n`);
  console.log('| CelebA label | judge | AUC | accuracy, own rule (p ≥ 0.5) | calibrated threshold | accuracy, calibrated | positives |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const t = r.attribute === 'Young' ? `age < ${r.calibratedThreshold.toFixed(1)}` : `≥ ${r.calibratedThreshold.toFixed(3)}`;
    console.log(`| ${r.attribute} | ${r.judge} | ${r.auc.toFixed(3)} | ${pct(r.accuracyOwnRule)} | ${t} | ${pct(r.accuracyCalibrated)} | ${r.positives} |`);
  }

  const square = judgeSquare(CELEBA_ALIGNED_FACE);
  const shifted: JudgeSquare = { centre: [square.centre[0] + 0.04 * square.side, square.centre[1] - 0.04 * square.side], side: square.side * 1.08 };
  const originals = validation.map((f) => celebaJudgeCrop(f.path));
  const probes = { mirrored: originals.map(mirrored), 'shifted 4%, zoomed 8%': validation.map((f) => celebaJudgeCrop(f.path, shifted)) };
  const recognisers: Record<string, Record<string, { rank1: number; auc: number }>> = {};
  console.log(`\nRecognisers: rank-1 among ${validation.length} originals, and AUC of same-face vs other-face cosine similarity\n`);
  console.log('| recogniser | probe | rank-1 | AUC |');
  console.log('| --- | --- | --- | --- |');
  for (const recogniser of ['faceres', 'mobilefacenet'] as Recogniser[]) {
    const gallery = await inBatches(originals, (b) => judges.embed(b, recogniser));
    recognisers[recogniser] = {};
    for (const [name, crops] of Object.entries(probes)) {
      const embedded = await inBatches(crops, (b) => judges.embed(b, recogniser));
      const hits = rank1Hits(embedded, gallery);
      const sims: number[] = [];
      const same: boolean[] = [];
      embedded.forEach((p, i) => gallery.forEach((g, j) => (sims.push(dot(p, g)), same.push(i === j))));
      recognisers[recogniser][name] = { rank1: hits.filter(Boolean).length / hits.length, auc: rocAuc(sims, same) };
      console.log(`| ${recogniser} | ${name} | ${pct(recognisers[recogniser][name].rank1)} | ${recognisers[recogniser][name].auc.toFixed(4)} |`);
    }
  }
  console.log(`\n${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (values.json) console.log(JSON.stringify({ faces: count, attributes: rows, recognisers }));
}

main().catch((error: unknown) => {
  console.error(`validate-judges: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
