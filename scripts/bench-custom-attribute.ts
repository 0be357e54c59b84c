/**
 * How well a taught attribute (POST …/attributes/custom, edge/core/custom-attribute.ts) works from a few photos.
 * The validation split (never trained on) is cut in two: each attribute is taught from `--examples` positives and as
 * many negatives drawn from the first half, by CelebA's labels, and judged on the second half with the model's
 * judge.onnx, against the shipped vector at its suggested strength. Also printed: the cosine of the taught vector
 * with the mean difference over all 8,100 training codes (what unlimited examples would give).
 *
 *   npm run bench:custom -- [--examples 8] [--draws 3] [--strengths 1,2,3] [--max-images 200] [--seed 1]
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { teachAttribute } from '#core/custom-attribute.ts';
import { parseManifest, type AttributesFile } from '#core/manifest.ts';
import { Random } from '#core/random.ts';
import { parseReport } from '#core/report.ts';
import { loadConfig } from '../train/cli/config.ts';
import { loadTrainingData } from '../train/cli/data.ts';
import { subsetDataset, type Dataset } from '../train/data/dataset.ts';
import { predictWithGraph } from '../train/judge/classifier.ts';
import { editCurve, editResult, type EditProbe } from '../train/judge/edits.ts';
import { attributeVectors, DEFAULT_ATTRIBUTE_OPTIONS } from '../train/latent/attribute-vectors.ts';
import { OnnxCodec } from '../train/report/codec.ts';
import { FACE_MODEL_OPTIONS } from './model-options.ts';

function options() {
  const { values } = parseArgs({
    options: {
      ...FACE_MODEL_OPTIONS,
      examples: { type: 'string', default: '8' },
      draws: { type: 'string', default: '3' },
      strengths: { type: 'string', default: '1,2,3' },
      'max-images': { type: 'string', default: '200' },
      seed: { type: 'string', default: '1' },
    },
  });
  const int = (name: keyof typeof values, min: number, max: number) => {
    const v = Number(values[name]);
    if (!Number.isInteger(v) || v < min || v > max) throw new Error(`--${name} must be an integer in ${min}–${max}, got "${values[name]}"`);
    return v;
  };
  const strengths = String(values.strengths).split(',').map(Number);
  if (!strengths.every((s) => Number.isFinite(s) && s > 0 && s <= 10)) throw new Error(`--strengths must be numbers in (0, 10], got "${values.strengths}"`);
  return { model: String(values.model), config: String(values.config), cache: String(values.cache), examples: int('examples', 2, 64), draws: int('draws', 1, 20), maxImages: int('max-images', 10, 5000), seed: int('seed', 0, 2 ** 31), strengths };
}

const codesOf = (codes: Float32Array, dim: number, indices: number[]) => indices.map((i) => codes.slice(i * dim, (i + 1) * dim));
const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) [ab, aa, bb] = [ab + a[i] * b[i], aa + a[i] * a[i], bb + b[i] * b[i]];
  return ab / Math.sqrt(aa * bb);
};
const pct = (v: number) => `${(100 * v).toFixed(1)} %`;

function pickExamples(pool: Dataset, attribute: string, count: number, random: Random): { positive: number[]; negative: number[] } {
  const labels = pool.attributes[attribute];
  const shuffled = (wanted: boolean) => {
    const indices = Array.from({ length: pool.count }, (_, i) => i).filter((i) => labels[i] > 0 === wanted);
    for (let i = indices.length - 1; i > 0; i--) {
      const j = Math.floor(random.uniform() * (i + 1));
      [indices[i], indices[j]] = [indices[j], indices[i]];
    }
    return indices;
  };
  return { positive: shuffled(true).slice(0, count), negative: shuffled(false).slice(0, count) };
}

async function main(): Promise<void> {
  const opts = options();
  const dir = resolve(opts.model);
  const manifest = parseManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
  const shipped = (JSON.parse(readFileSync(join(dir, manifest.files.attributes.path), 'utf8')) as AttributesFile).attributes;
  const report = parseReport(JSON.parse(readFileSync(join(dir, manifest.files.report.path), 'utf8')));
  const judgeAttributes = String(manifest.metrics.judgeAttributes ?? '').split(',').filter(Boolean);
  const read = (key: string) => new Uint8Array(readFileSync(join(dir, manifest.files[key].path)));
  const { train, validation } = (await loadTrainingData(loadConfig(opts.config), resolve(opts.cache))).split;
  const { dim } = manifest.latent;
  const half = Math.floor(validation.count / 2);
  const pool = subsetDataset(validation, Array.from({ length: half }, (_, i) => i), 'teaching half');
  const test = subsetDataset(validation, Array.from({ length: validation.count - half }, (_, i) => half + i), 'test half');
  const codec = await OnnxCodec.open(read('encoder'), read('decoder'), train.shape, dim);
  const poolCodes = await codec.encode(pool.images, pool.count);
  const trainCodes = await codec.encode(train.images, train.count);
  const full = attributeVectors(trainCodes, train.count, dim, train.attributes, { ...DEFAULT_ATTRIBUTE_OPTIONS, method: 'mean-difference' }).vectors;
  const judgeBytes = read('judge');
  const probe: EditProbe = { codec, judge: (images, count) => predictWithGraph(judgeBytes, images, count, train.shape), judgeAttributes, dataset: test, maxImages: opts.maxImages };
  console.log(`${manifest.id} ${manifest.version}: taught from ${opts.examples} + ${opts.examples} photos of the validation split's first half (${opts.draws} draws), judged by judge.onnx on up to ${opts.maxImages} negatives of its second half`);
  console.log(`| attribute | shipped vector: strength, flips, others | taught, strength ${opts.strengths.join(' / ')}: flips (others) | cos(taught, full mean difference) | leave-one-out agreement |`);
  console.log('| --- | --- | --- | --- | --- |');
  const random = Random.fromSeed(opts.seed);
  for (const attribute of judgeAttributes.filter((a) => shipped[a] && full[a])) {
    const strength = report.attributes[attribute]?.strength ?? shipped[attribute].suggestedRange[1];
    const reference = editResult(await editCurve(probe, attribute, Float32Array.from(shipped[attribute].vector), [strength]), strength);
    const flips = opts.strengths.map(() => [] as string[]);
    const cosines: number[] = [];
    const agreement: number[] = [];
    for (let draw = 0; draw < opts.draws; draw++) {
      const { positive, negative } = pickExamples(pool, attribute, opts.examples, random);
      const taught = teachAttribute(codesOf(poolCodes, dim, positive), codesOf(poolCodes, dim, negative), {});
      cosines.push(cosine(taught.vector, full[attribute].meanDifference));
      agreement.push(taught.leaveOneOutAccuracy);
      const curve = await editCurve(probe, attribute, taught.vector, opts.strengths);
      opts.strengths.forEach((s, k) => {
        const r = editResult(curve, s);
        flips[k].push(`${pct(r.flipRate)} (${pct(r.otherChangeRate)})`);
      });
    }
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    console.log(
      `| ${attribute} | ${strength}, ${pct(reference.flipRate)}, ${pct(reference.otherChangeRate)} | ${flips.map((f) => f.join(', ')).join(' / ')} | ${mean(cosines).toFixed(2)} | ${pct(mean(agreement))} |`,
    );
  }
  await codec.close();
}

await main();
