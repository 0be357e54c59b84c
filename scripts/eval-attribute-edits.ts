/**
 * Attribute edits of a shipped model, judged by its own judge.onnx, for each way of estimating the attribute
 * vectors and each rule for choosing the suggested strength: flip rate and other-decision change rate on the
 * validation split at the strength chosen on training images, as the trainer chooses it. No training: it loads
 * the model folder's encoder, decoder and judge, and the config's data with the trainer's loader and seeded split.
 *
 *   npm run bench:edits -- [--config train/configs/faces.json] [--model models/faces]
 *                          [--methods partial-effect,mean-difference] [--ridge 0.001] [--controls all|attributes]
 *                          [--max-images N] [--strengths 0.5,1,1.5,...] [--cache .cache/datasets] [--json]
 *
 * --max-images and --strengths default to the config's `edits` section, --ridge to its `attributeVectors.ridge`.
 * --controls attributes holds only the config's `attributes` fixed in the partial effects instead of every flag.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseManifest } from '#core/manifest.ts';
import { loadConfig } from '../train/cli/config.ts';
import { loadTrainingData } from '../train/cli/data.ts';
import { predictWithGraph } from '../train/judge/classifier.ts';
import { calibrationImages, editCurve, editResult, suggestStrength, type EditCurve, type EditProbe } from '../train/judge/edits.ts';
import { ATTRIBUTE_METHODS, attributeVectors, type AttributeMethod } from '../train/latent/attribute-vectors.ts';
import { OnnxCodec } from '../train/report/codec.ts';
import type { Dataset } from '../train/data/dataset.ts';

function numberList(raw: string, flag: string, min: number, max: number): number[] {
  const values = raw.split(',').map((v) => Number(v.trim()));
  if (values.some((v) => !Number.isFinite(v) || v < min || v > max)) throw new Error(`--${flag} must be numbers from ${min} to ${max}, comma-separated, got ${JSON.stringify(raw)}`);
  return values;
}

/** Names a config attribute the data lacks here, as the trainer does, rather than failing later inside the vector fit. */
function requireAttributes(names: readonly string[], available: readonly string[], field: string): void {
  const unknown = names.filter((n) => !available.includes(n));
  if (unknown.length) throw new Error(`${field}: unknown attribute(s) ${unknown.join(', ')}; the data has ${available.join(', ') || 'none'}`);
}

/**
 * The trainer's rule before this comparison, kept here only to measure against: the smallest strength that
 * flips enough within the side-effect limit, else the smallest that flips enough, else the best flips-minus-side-effects.
 */
function firstPassingStrength(curve: EditCurve, targetFlip: number, maxOtherChange: number): number {
  const valid = curve.points.filter((p) => p.strength > 0 && Number.isFinite(p.flipRate));
  if (valid.length === 0) return 1;
  const chosen = valid.find((p) => p.flipRate >= targetFlip && p.otherChangeRate <= maxOtherChange) ?? valid.find((p) => p.flipRate >= targetFlip);
  return chosen ? chosen.strength : valid.reduce((best, p) => (p.flipRate - p.otherChangeRate > best.flipRate - best.otherChangeRate ? p : best)).strength;
}

/**
 * Side effects on the validation curve where it first reaches `flip`, linearly interpolated between grid
 * strengths: compares directions at equal edit success, whatever strengths the grid happens to hold.
 */
function sideEffectsAtFlip(curve: EditCurve, flip: number): number {
  const points = curve.points.filter((p) => Number.isFinite(p.flipRate));
  const k = points.findIndex((p) => p.flipRate >= flip);
  if (k < 0) return Number.NaN;
  if (k === 0) return points[0].otherChangeRate;
  const [a, b] = [points[k - 1], points[k]];
  return a.otherChangeRate + ((flip - a.flipRate) / (b.flipRate - a.flipRate)) * (b.otherChangeRate - a.otherChangeRate);
}

const RULES = ['fewest-side-effects', 'first-passing'] as const;
type Rule = (typeof RULES)[number];

const percent = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : 'n/a');

interface Row {
  method: AttributeMethod;
  rule: Rule;
  /** The method the vector really came from (a partial effect falls back to the mean difference when not identifiable). */
  used: AttributeMethod;
  attribute: string;
  strength: number;
  flipRate: number;
  otherChangeRate: number;
  judgedNegatives: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', default: 'train/configs/faces.json' },
      model: { type: 'string' },
      methods: { type: 'string', default: ATTRIBUTE_METHODS.join(',') },
      ridge: { type: 'string' },
      controls: { type: 'string', default: 'all' },
      'max-images': { type: 'string' },
      strengths: { type: 'string' },
      cache: { type: 'string', default: '.cache/datasets' },
      json: { type: 'boolean', default: false },
    },
  });
  const config = loadConfig(values.config);
  const modelDir = resolve(values.model ?? config.output);
  const methods = values.methods.split(',').map((m) => m.trim());
  const unknown = methods.filter((m) => !(ATTRIBUTE_METHODS as readonly string[]).includes(m));
  if (unknown.length || !methods.length) throw new Error(`--methods: unknown ${unknown.join(', ')}; choose from ${ATTRIBUTE_METHODS.join(', ')}`);
  if (values.controls !== 'all' && values.controls !== 'attributes') throw new Error(`--controls must be all or attributes, got ${values.controls}`);
  const ridge = values.ridge === undefined ? config.attributeVectors.ridge : numberList(values.ridge, 'ridge', 1e-9, 1e3)[0];
  const maxImages = values['max-images'] === undefined ? config.edits.maxImages : numberList(values['max-images'], 'max-images', 1, 5000)[0];
  const strengths = values.strengths === undefined ? config.edits.strengths : numberList(values.strengths, 'strengths', 1e-3, 10);
  const { targetFlip, maxOtherChange } = config.edits;

  const manifestFile = join(modelDir, 'manifest.json');
  const manifest = parseManifest(JSON.parse(readFileSync(manifestFile, 'utf8')), manifestFile);
  const judgeFile = manifest.files.judge;
  const judgeAttributes = typeof manifest.metrics.judgeAttributes === 'string' ? manifest.metrics.judgeAttributes.split(',') : undefined;
  if (!judgeFile || !judgeAttributes) throw new Error(`${modelDir}: the model has no judge.onnx or no metrics.judgeAttributes; retrain it with a "judge" section`);
  const read = (path: string) => new Uint8Array(readFileSync(join(modelDir, path)));
  const judgeBytes = read(judgeFile.path);

  const started = performance.now();
  const { split } = await loadTrainingData(config, resolve(values.cache), undefined, (line) => console.log(line));
  const { train, validation } = split;
  const shape = train.shape as [number, number, number];
  const { channels, height, width } = manifest.input;
  if (channels !== shape[0] || height !== shape[1] || width !== shape[2]) throw new Error(`${modelDir} takes [${channels}, ${height}, ${width}] images, the config's data are [${shape.join(', ')}]`);
  const available = Object.keys(train.attributes);
  const wanted = config.attributes === 'all' ? available : config.attributes;
  requireAttributes(wanted, available, `${values.config}: attributes`);
  requireAttributes(config.edits.attributes ?? [], available, `${values.config}: edits.attributes`);
  const codec = await OnnxCodec.open(read(manifest.files.encoder.path), read(manifest.files.decoder.path), shape, manifest.latent.dim);
  try {
    const trainCodes = await codec.encode(train.images, train.count);
    const edited = (config.edits.attributes ?? judgeAttributes).filter((a) => wanted.includes(a));
    const pick = Object.fromEntries(wanted.map((name) => [name, train.attributes[name]]));
    const controls = values.controls === 'all' ? train.attributes : pick;
    const calibration = calibrationImages(train, validation.count);
    const judge = (images: Float32Array, count: number) => predictWithGraph(judgeBytes, images, count, shape);
    const probe = (dataset: Dataset): EditProbe => ({ codec, judge, judgeAttributes, dataset, maxImages });
    const rows: Row[] = [];
    const curves: Record<string, { calibration: EditCurve; validation: EditCurve }> = {};
    console.log(`${modelDir}: ${train.count} training codes, ${validation.count} validation images; ridge ${ridge}; controls ${values.controls}; up to ${maxImages} negatives per attribute; strengths ${strengths.join(', ')}`);
    for (const method of methods as AttributeMethod[]) {
      const { vectors } = attributeVectors(trainCodes, train.count, manifest.latent.dim, pick, { method, ridge, controls });
      for (const attribute of edited.filter((a) => vectors[a])) {
        const v = vectors[attribute];
        const vector = Float32Array.from(v.vector);
        const onTraining = await editCurve(probe(calibration), attribute, vector, strengths);
        const onValidation = await editCurve(probe(validation), attribute, vector, strengths);
        curves[`${method}/${attribute}`] = { calibration: onTraining, validation: onValidation };
        const cosine = v.vector.reduce((s, x, j) => s + x * v.meanDifference[j], 0) / (Math.hypot(...v.vector) * Math.hypot(...v.meanDifference));
        for (const rule of RULES) {
          const strength = rule === 'fewest-side-effects' ? suggestStrength(onTraining, targetFlip, maxOtherChange) : firstPassingStrength(onTraining, targetFlip, maxOtherChange);
          const r = editResult(onValidation, strength);
          rows.push({ method, rule, used: v.method, attribute, strength, flipRate: r.flipRate, otherChangeRate: r.otherChangeRate, judgedNegatives: r.judgedNegatives });
          const met = r.flipRate >= targetFlip && r.otherChangeRate <= maxOtherChange;
          console.log(
            `${method.padEnd(16)} ${rule.padEnd(20)} ${attribute.padEnd(12)} strength ${String(strength).padStart(5)}  flips ${percent(r.flipRate).padStart(6)} of ${String(r.judgedNegatives).padStart(3)}  ` +
              `other decisions changed ${percent(r.otherChangeRate).padStart(6)}  cos(vector, mean difference) ${cosine.toFixed(3)}${met ? '' : '  (target missed)'}`,
          );
        }
      }
    }
    const columns = methods.flatMap((method) => RULES.map((rule) => ({ method, rule })));
    console.log(`\nValidation flips / other decisions changed at the strength chosen on training images (target: ≥ ${percent(targetFlip)} / ≤ ${percent(maxOtherChange)}; * = missed)\n`);
    console.log(`| attribute | ${columns.map((c) => `${c.method}, ${c.rule}: strength, flips, others`).join(' | ')} |`);
    console.log(`| --- | ${columns.map(() => '---').join(' | ')} |`);
    for (const attribute of edited) {
      const cells = columns.map((c) => {
        const r = rows.find((row) => row.method === c.method && row.rule === c.rule && row.attribute === attribute);
        if (!r) return 'skipped';
        const missed = !(r.flipRate >= targetFlip && r.otherChangeRate <= maxOtherChange);
        return `${r.strength}, ${percent(r.flipRate)}, ${percent(r.otherChangeRate)}${missed ? ' *' : ''}${r.used !== c.method ? ` (${r.used})` : ''}`;
      });
      console.log(`| ${attribute} | ${cells.join(' | ')} |`);
    }
    console.log(`\nValidation other decisions changed where the edit first flips ${percent(targetFlip)} (interpolated between strengths)\n`);
    console.log(`| attribute | ${methods.join(' | ')} |`);
    console.log(`| --- | ${methods.map(() => '---').join(' | ')} |`);
    for (const attribute of edited) {
      console.log(`| ${attribute} | ${methods.map((m) => (curves[`${m}/${attribute}`] ? percent(sideEffectsAtFlip(curves[`${m}/${attribute}`].validation, targetFlip)) : 'skipped')).join(' | ')} |`);
    }
    console.log(`\n${((performance.now() - started) / 1000).toFixed(0)} s`);
    if (values.json) console.log(JSON.stringify({ modelDir, ridge, controls: values.controls, maxImages, strengths, rows, curves }));
  } finally {
    await codec.close();
  }
}

main().catch((error: unknown) => {
  console.error(`eval-attribute-edits: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
