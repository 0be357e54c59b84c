/**
 * Rebuilds a shipped model's latent map (atlas.png + atlas.json) from its own encoder and decoder, without
 * retraining: the config's data is loaded and split as the trainer did, the training split is encoded with
 * the folder's encoder.onnx, and buildAtlas runs as in `train/cli/run.ts`. The folder is rewritten through
 * the trainer's writer (rewriteModelDir), so the manifest's sha256 and byte counts follow the new files and the
 * other files come back byte for byte. It also prints how far apart the frames of a corner-to-corner walk
 * decode, on the map's plane and with the page's blend of real codes (docs/benchmarks.md, "Latent map").
 *
 *   npx tsx scripts/rebuild-atlas.ts --model models/digits --config train/configs/conv-digits.json
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseManifest } from '#core/manifest.ts';
import { rewriteModelDir } from '../train/model-folder/write.ts';
import { loadConfig } from '../train/cli/config.ts';
import { loadTrainingData } from '../train/cli/data.ts';
import { buildAtlas, type AtlasIndex } from '../train/latent/map.ts';
import { OnnxCodec } from '../train/report/codec.ts';
import { atlasIndexSchema, latentAt, pointToLatent } from '../site/src/lib/atlas.ts';

const WALK_FRAMES = 10;

/** Mean absolute pixel change between successive frames of the diagonal walk, decoded both ways. */
async function walkSpread(codec: OnnxCodec, index: AtlasIndex, dim: number): Promise<{ plane: number; blend: number }> {
  const atlas = atlasIndexSchema.parse(index);
  const { x, y } = atlas.bounds;
  const points = Array.from({ length: WALK_FRAMES }, (_, k) => [x[0] + ((x[1] - x[0]) * k) / (WALK_FRAMES - 1), y[0] + ((y[1] - y[0]) * k) / (WALK_FRAMES - 1)] as const);
  const spread = async (latentOf: (p: readonly [number, number]) => Float32Array) => {
    const codes = new Float32Array(WALK_FRAMES * dim);
    points.forEach((p, k) => codes.set(latentOf(p), k * dim));
    const images = await codec.decode(codes, WALK_FRAMES);
    const size = images.length / WALK_FRAMES;
    let sum = 0;
    for (let k = 1; k < WALK_FRAMES; k++) for (let i = 0; i < size; i++) sum += Math.abs(images[k * size + i] - images[(k - 1) * size + i]);
    return sum / ((WALK_FRAMES - 1) * size);
  };
  return { plane: await spread((p) => pointToLatent(atlas, p)), blend: await spread((p) => latentAt(atlas, p)) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { model: { type: 'string' }, config: { type: 'string' }, cache: { type: 'string', default: '.cache/datasets' } } });
  if (!values.model || !values.config) throw new Error('usage: npx tsx scripts/rebuild-atlas.ts --model models/NAME --config train/configs/NAME.json [--cache DIR]');
  const dir = resolve(values.model);
  const manifest = parseManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
  const config = loadConfig(values.config);
  if (config.id !== manifest.id) throw new Error(`${values.config} trains "${config.id}", the folder holds "${manifest.id}"`);
  const read = (key: string) => new Uint8Array(readFileSync(join(dir, manifest.files[key].path)));

  const started = performance.now();
  const data = await loadTrainingData(config, resolve(values.cache));
  const { train } = data.split;
  const codec = await OnnxCodec.open(read('encoder'), read('decoder'), train.shape, manifest.latent.dim);
  const codes = await codec.encode(train.images, train.count);
  const atlas = await buildAtlas(codes, manifest.latent.dim, (c, n) => codec.decode(c, n), train.shape, train.ids, { labels: train.labels, seed: config.training?.seed ?? 1 });
  const labels = new Set(atlas.index.items.map((item) => item.label).filter(Boolean));
  console.log(
    `${manifest.id}: ${atlas.index.sample.kind} sample of ${atlas.index.sample.size} of ${train.count} training codes, ${atlas.index.items.length} cells filled` +
      (labels.size ? `, classes shown: ${[...labels].sort().join(' ')}` : '') +
      `, axes explain ${atlas.index.projection.explained.map((e) => (100 * e).toFixed(1)).join(' + ')}% of the code variance`,
  );
  const spread = await walkSpread(codec, atlas.index, manifest.latent.dim);
  console.log(`walk of ${WALK_FRAMES} frames corner to corner, mean |Δpixel| between frames: plane ${spread.plane.toFixed(4)}, blend of real codes ${spread.blend.toFixed(4)} (${(spread.blend / spread.plane).toFixed(2)}×)`);

  const atlasIndex = JSON.stringify(atlas.index);
  rewriteModelDir(dir, manifest, { replaced: { atlas: { path: 'atlas.png', bytes: atlas.png }, atlasIndex: { path: 'atlas.json', bytes: atlasIndex } } });
  console.log(`wrote ${values.model} (atlas.png ${atlas.png.byteLength} bytes, atlas.json ${Buffer.byteLength(atlasIndex)} bytes) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

await main();
