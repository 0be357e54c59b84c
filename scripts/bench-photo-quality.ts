/**
 * Photo-edit quality judged by independent networks (scripts/judges/): on N held-out photos (CelebA faces the
 * faces model never trained on, composed into 640×480 JPEGs by default), calls the API in-process — POST /reconstruct and
 * POST /attributes at the suggested strengths of GET /v1/models/faces — and scores every output:
 * - identity: rank-1 re-identification of the output among the N originals by an independent recogniser;
 * - edits: smile seen on non-smiling faces (emotion 'happy' ≥ 0.5), male seen on female faces (faceres ≥ 0.5),
 *   ≥ 8 judged years added on young faces (gear's age, and faceres's mean age; output − original), per CelebA's labels;
 * - detail: median over photos of the 64×64 Laplacian variance, output over original.
 * Prints one JSON line per (operation, attribute) and a markdown table.
 *
 *   npm run bench:photo-quality -- [--photos 100] [--seed 1] [--ops reconstruct,Smiling,Male,-Young]
 *                                  [--detail keep|none] [--output face|photo] [--recogniser faceres|mobilefacenet]
 *                                  [--width 640 --height 480] [--split validation|train]
 *
 * --detail and --output are sent as query parameters only when given. An op names an attribute at its suggested
 * strength (keepSuggestedRange unless --detail none; a leading - takes the range's minimum), or NAME@STRENGTH.
 */
import * as ort from 'onnxruntime-node';
import { parseArgs } from 'node:util';
import { createApp } from '../edge/app.ts';
import { decodeImage, type RgbaImage } from '#core/image/decode.ts';
import { ModelRegistry } from '#core/registry.ts';
import { nodeAligner } from '../edge/testing/align-fixtures.ts';
import { nodeJpegCodec } from '../edge/node/jpeg.ts';
import { nodeAlignerProvider } from '../edge/node/aligner.ts';
import { fileModelSource } from '../edge/node/file-source.ts';
import { nodeRuntimeOptions } from '../edge/node/server.ts';
import { FaceAssessor, type Assessment } from './judges/assess.ts';
import { heldOutPhotos, PHOTO_ARGS, type HeldOutPhoto } from './judges/held-out-photos.ts';
import { FaceJudges, type Recogniser } from './judges/judges.ts';
import { median, rank1Hits } from './judges/metrics.ts';

const MODEL = 'faces';
/** gear's age moves with the edits; faceres's (validated as well) barely does, so gear is the one the table shows. */
const AGE_JUDGES = { gear: 'ageGear', 'faceres-mean': 'ageFaceresMean' } as const;
type AgeJudge = keyof typeof AGE_JUDGES;
const YEARS_ADDED = 8;

function fail(message: string): never {
  console.error(`bench-photo-quality: ${message}`);
  process.exit(2);
}

function options() {
  const { values } = parseArgs({
    options: {
      photos: { type: 'string', default: '100' },
      ...PHOTO_ARGS,
      ops: { type: 'string', default: 'reconstruct,Smiling,Male,-Young' },
      split: { type: 'string', default: 'validation' },
      detail: { type: 'string' },
      output: { type: 'string' },
      recogniser: { type: 'string', default: 'faceres' },
    },
  });
  const photos = Number(values.photos);
  const seed = Number(values.seed);
  if (!Number.isInteger(photos) || photos < 10 || photos > 900) fail(`--photos must be an integer from 10 to 900 (the targets need ≥ 50), got ${values.photos}`);
  if (!Number.isInteger(seed) || seed < 0) fail(`--seed must be a non-negative integer, got ${values.seed}`);
  if (values.detail !== undefined && !['keep', 'none'].includes(values.detail)) fail(`--detail must be keep or none, got ${values.detail}`);
  if (values.output !== undefined && !['face', 'photo'].includes(values.output)) fail(`--output must be face or photo, got ${values.output}`);
  if (!['faceres', 'mobilefacenet'].includes(values.recogniser)) fail(`--recogniser must be faceres or mobilefacenet, got ${values.recogniser}`);
  const [canvasWidth, canvasHeight] = [Number(values.width), Number(values.height)];
  if (![canvasWidth, canvasHeight].every((v) => Number.isInteger(v) && v >= 400 && v <= 4096)) fail(`--width and --height must be integers from 400 to 4096, got ${values.width}×${values.height}`);
  if (values.split !== 'validation' && values.split !== 'train') fail(`--split must be validation or train, got ${values.split}`);
  const ops = values.ops.split(',').map((s) => s.trim()).filter(Boolean);
  if (!ops.length) fail('--ops names no operation');
  const query = new URLSearchParams();
  if (values.detail) query.set('detail', values.detail);
  if (values.output) query.set('output', values.output);
  // Edits of an aligned photo default to detail=keep, whose strengths are calibrated on its own outputs.
  const keepStrengths = values.detail !== 'none';
  return { photos, seed, ops, canvas: { width: canvasWidth, height: canvasHeight }, query: query.toString(), recogniser: values.recogniser as Recogniser, keepStrengths, split: values.split as 'validation' | 'train' };
}

interface Row {
  operation: 'original' | 'reconstruct' | 'attributes';
  attribute?: string;
  strength?: number;
  query: string;
  photos: number;
  facesNotFound: number;
  identityRank1?: number;
  smileOnNonSmiling: { rate: number; of: number };
  maleOnFemale: { rate: number; of: number };
  /** Per age judge: share of young faces with ≥ 8 judged years added (output − original), and the median added. */
  yearsAddedOnYoung: Record<AgeJudge, { atLeast8: number; medianYears: number; of: number }>;
  sharpnessRatio: number;
}

/**
 * Rates over the faces whose CelebA label qualifies them; a face not found in an output counts as a failure
 * (and as not re-identified). Every original has a verdict: photos without one are left out before.
 */
function score(photos: HeldOutPhoto[], originals: Assessment[], outputs: Assessment[]): Omit<Row, 'operation' | 'query'> {
  const rate = (want: (p: HeldOutPhoto) => boolean, hit: (o: Assessment, original: Assessment) => boolean) => {
    const idx = photos.map((p, i) => (want(p) ? i : -1)).filter((i) => i >= 0);
    return { rate: idx.filter((i) => outputs[i].verdict && hit(outputs[i], originals[i])).length / idx.length, of: idx.length };
  };
  const young = photos.map((p, i) => (p.face.labels.Young ? i : -1)).filter((i) => i >= 0);
  const yearsAdded = (key: (typeof AGE_JUDGES)[AgeJudge]) => {
    const years = young.map((i) => (outputs[i].verdict ? outputs[i].verdict![key] - originals[i].verdict![key] : Number.NaN));
    return { atLeast8: years.filter((y) => y >= YEARS_ADDED).length / years.length, medianYears: median(years.filter(Number.isFinite)), of: years.length };
  };
  const found = outputs.map((o, i) => (o.embedding ? i : -1)).filter((i) => i >= 0);
  const hits = rank1Hits(
    outputs.map((o, i) => o.embedding ?? new Float32Array(originals[i].embedding!.length)),
    originals.map((o) => o.embedding!),
  );
  const ratios = found.map((i) => outputs[i].sharpness! / originals[i].sharpness!);
  return {
    photos: photos.length,
    facesNotFound: outputs.filter((o) => !o.verdict).length,
    identityRank1: hits.filter(Boolean).length / hits.length,
    smileOnNonSmiling: rate((p) => !p.face.labels.Smiling, (o) => o.verdict!.happy >= 0.5),
    maleOnFemale: rate((p) => !p.face.labels.Male, (o) => o.verdict!.maleFaceres >= 0.5),
    yearsAddedOnYoung: { gear: yearsAdded(AGE_JUDGES.gear), 'faceres-mean': yearsAdded(AGE_JUDGES['faceres-mean']) },
    sharpnessRatio: median(ratios),
  };
}

async function main(): Promise<void> {
  const opts = options();
  const registry = new ModelRegistry(fileModelSource('models'), ort, { runtime: nodeRuntimeOptions() });
  const app = createApp({ registry, aligner: nodeAlignerProvider('models'), jpeg: nodeJpegCodec() });
  const info = (await (await app.request(`/v1/models/${MODEL}`)).json()) as { manifest: { input: { width: number; height: number; face?: { leftEye: [number, number]; rightEye: [number, number]; mouth: [number, number] } } }; attributes: { name: string; suggestedRange: [number, number]; keepSuggestedRange?: [number, number] }[] };
  const { width, height, face } = info.manifest.input;
  if (!face) fail(`${MODEL}'s manifest has no input.face; the benchmark needs an aligned face model`);
  const strengthOf = (op: string) => {
    const [named, given] = op.split('@');
    if (given !== undefined) {
      const strength = Number(given);
      if (!Number.isFinite(strength) || Math.abs(strength) > 10) fail(`--ops: ${op}: the strength after @ must be a number from -10 to 10`);
      return { name: named, strength };
    }
    const name = op.replace(/^[-+]/, '');
    const a = info.attributes.find((x) => x.name === name) ?? fail(`--ops: ${MODEL} has no attribute ${name}; it has ${info.attributes.map((x) => x.name).join(', ')}`);
    const range = (opts.keepStrengths && a.keepSuggestedRange) || a.suggestedRange;
    return { name, strength: op.startsWith('-') ? range[0] : range[1] };
  };
  const started = performance.now();
  const generated = heldOutPhotos(opts.photos, { ...opts.canvas, seed: opts.seed }, opts.split);
  const judges = await FaceJudges.load();
  const assessor = new FaceAssessor(judges, nodeAligner(), { width, height, face }, opts.recogniser);
  const assessedOriginals = await assessor.assess(generated.map((p) => decodeImage(p.jpeg)), 'photo');
  // A photo whose own face is not found has no original to compare with: it is left out of every figure.
  const photos = generated.filter((_, i) => assessedOriginals[i].verdict);
  const originals = assessedOriginals.filter((o) => o.verdict);
  console.error(`${generated.length} ${opts.split} photos (seed ${opts.seed}); faces found in ${photos.length}, which the figures are over`);
  // The judges on the originals themselves: how often they see a smile or a man where CelebA says none.
  const rows: Row[] = [{ operation: 'original', query: '', ...score(photos, originals, originals), identityRank1: undefined }];
  console.log(JSON.stringify({ ...rows[0], outputKind: 'photo', recogniser: opts.recogniser, seed: opts.seed }));
  const suffix = opts.query ? `?${opts.query}` : '';
  for (const op of opts.ops) {
    const edit = op === 'reconstruct' ? undefined : strengthOf(op);
    const path = `/v1/models/${MODEL}/${edit ? 'attributes' : 'reconstruct'}${suffix}`;
    const outputs: RgbaImage[] = [];
    for (const photo of photos) {
      const form = new FormData();
      form.set('image', new Blob([photo.jpeg as BlobPart], { type: 'image/jpeg' }), 'photo.jpg');
      if (edit) form.set('attributes', JSON.stringify({ [edit.name]: edit.strength }));
      const response = await app.request(path, { method: 'POST', body: form });
      if (!response.ok) fail(`POST ${path} → ${response.status} ${await response.text()}`);
      outputs.push(decodeImage(new Uint8Array(await response.arrayBuffer())));
    }
    // A whole photo back (output=photo) is searched for its face like the originals; a face output is the model frame.
    const kind = outputs[0].width === opts.canvas.width && outputs[0].height === opts.canvas.height ? 'photo' : 'frame';
    const assessed = await assessor.assess(outputs, kind);
    const row: Row = { operation: edit ? 'attributes' : 'reconstruct', attribute: edit?.name, strength: edit?.strength, query: opts.query, ...score(photos, originals, assessed) };
    rows.push(row);
    console.log(JSON.stringify({ ...row, outputKind: kind, recogniser: opts.recogniser, seed: opts.seed }));
  }
  printTable(rows, opts.recogniser);
  console.error(`${((performance.now() - started) / 1000).toFixed(0)} s`);
}

function printTable(rows: Row[], recogniser: Recogniser): void {
  const pct = (v: number | undefined) => (v === undefined ? '—' : Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : 'n/a');
  console.log(`\n| operation | strength | rank-1 identity (${recogniser}) | smile on non-smiling | male on female | ≥ ${YEARS_ADDED} years added on young, gear (median) | same, faceres mean age | sharpness vs original | faces not found |`);
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const name = r.operation === 'attributes' ? `${r.strength! < 0 ? '−' : '+'}${r.attribute}` : r.operation;
    const years = (judge: AgeJudge) => {
      const y = r.yearsAddedOnYoung[judge];
      return r.operation === 'original' ? '—' : `${pct(y.atLeast8)} (${y.medianYears.toFixed(1)}) of ${y.of}`;
    };
    console.log(
      `| ${name} | ${r.strength ?? '—'} | ${pct(r.identityRank1)} | ${pct(r.smileOnNonSmiling.rate)} of ${r.smileOnNonSmiling.of} | ${pct(r.maleOnFemale.rate)} of ${r.maleOnFemale.of} | ` +
        `${years('gear')} | ${years('faceres-mean')} | ${pct(r.sharpnessRatio)} | ${r.facesNotFound} |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(`bench-photo-quality: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
