/**
 * Fits Gaussian mixtures to a model folder's training codes (train/latent/density.ts) and keeps the one with the
 * best mean log-likelihood on the validation codes, among those whose smallest component holds at least
 * 2·(dim + 1) codes' weight (a smaller one would be a handful of training faces, i.e. copies). `--out FILE` writes it
 * as JSON (for `npm run bench:samples -- --mixture FILE`); `--write` stores it in the folder's manifest as
 * `latent.mixture`, which GET /sample and the site then draw from.
 *
 *   npm run fit:density -- --model models/faces --config train/configs/faces.json [--components 1,2,4,8]
 *                                  [--seed 1] [--out FILE] [--write]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseManifest, type LatentMixture } from '#core/manifest.ts';
import { loadConfig } from '../train/cli/config.ts';
import { loadTrainingData } from '../train/cli/data.ts';
import { fitGaussianMixture, mixtureLogLikelihood } from '../train/latent/density.ts';
import { rewriteModelDir } from '../train/model-folder/write.ts';
import { OnnxCodec } from '../train/report/codec.ts';

function options() {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      config: { type: 'string' },
      cache: { type: 'string', default: '.cache/datasets' },
      components: { type: 'string', default: '1,2,4,8' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
      write: { type: 'boolean', default: false },
    },
  });
  if (!values.model || !values.config) throw new Error('usage: npm run fit:density -- --model models/NAME --config train/configs/NAME.json [--components 1,2,4,8] [--out FILE] [--write]');
  const components = values.components.split(',').map(Number);
  if (!components.every((k) => Number.isInteger(k) && k >= 1 && k <= 64)) throw new Error(`--components must list integers in 1–64, got "${values.components}"`);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got "${values.seed}"`);
  return { ...values, model: values.model, config: values.config, components, seed };
}

async function main(): Promise<void> {
  const opts = options();
  const dir = resolve(opts.model);
  const manifest = parseManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
  const read = (key: string) => new Uint8Array(readFileSync(join(dir, manifest.files[key].path)));
  const { split } = await loadTrainingData(loadConfig(opts.config), resolve(opts.cache));
  const { dim } = manifest.latent;
  const codec = await OnnxCodec.open(read('encoder'), read('decoder'), split.train.shape, dim);
  const train = await codec.encode(split.train.images, split.train.count);
  const validation = await codec.encode(split.validation.images, split.validation.count);
  await codec.close();

  let best: { components: number; mixture: LatentMixture; validation: number } | undefined;
  for (const components of opts.components) {
    const started = performance.now();
    const fit = fitGaussianMixture(train, split.train.count, dim, { components, seed: opts.seed });
    const heldOut = mixtureLogLikelihood(fit.mixture, validation, split.validation.count, dim);
    const smallest = Math.min(...fit.mixture.weights) * split.train.count;
    const eligible = smallest >= 2 * (dim + 1);
    console.log(
      `${components} components: ${fit.iterations} EM iterations, log-likelihood per code train ${fit.trainLogLikelihood.toFixed(2)}, ` +
        `validation ${heldOut.toFixed(2)}; smallest component ${smallest.toFixed(0)} codes${eligible ? '' : ' (too few: not eligible)'}; ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    if (eligible && (!best || heldOut > best.validation)) best = { components, mixture: fit.mixture, validation: heldOut };
  }
  if (!best) throw new Error('no candidate had every component above the size limit; try fewer components');
  console.log(`chosen: ${best.components} components (validation log-likelihood ${best.validation.toFixed(2)} per code)`);
  if (opts.out) writeFileSync(opts.out, JSON.stringify(best.mixture));
  if (opts.write) writeMixture(dir, manifest, best.components === 1 ? undefined : best.mixture);
}

/** Rewrites the folder with `latent.mixture` set (or removed, when one Gaussian is best), every file kept as it is. */
function writeMixture(dir: string, manifest: ReturnType<typeof parseManifest>, mixture: LatentMixture | undefined): void {
  const { files: _files, ...draft } = manifest;
  const { mixture: _old, ...latent } = draft.latent;
  // Six significant digits, as the manifest's other statistics: the first-visit download carries every one of them.
  const rounded = mixture && (Object.fromEntries(Object.entries(mixture).map(([key, values]) => [key, Array.from(values as ArrayLike<number>, (v) => Number(v.toPrecision(6)))])) as LatentMixture);
  rewriteModelDir(dir, manifest, { draft: { ...draft, latent: rounded ? { ...latent, mixture: rounded } : latent } });
  console.log(`wrote ${join(dir, 'manifest.json')} with ${mixture ? `a ${mixture.weights.length}-component mixture` : 'no mixture (one Gaussian)'}`);
}

await main();
