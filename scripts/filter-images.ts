/**
 * The lecture's "sparse vs denoising" slide: the first-layer filters of the two overcomplete digit autoencoders
 * (train/configs/sparse-digits.json and denoising-digits.json: 784 pixels -> 1,024 code values), trained by the
 * trainer's own CLI into .cache/filters/. Each code value's 784 input weights are drawn as a 28×28 tile, mid-grey at
 * zero, scaled by the tile's own largest weight; the first 64 values are shown, none chosen by hand. Writes
 * site/public/learn/filters-NAME.png and site/src/data/filters.json (the Learn page reads both at build time).
 *
 *   npx tsx scripts/filter-images.ts [--epochs 8] [--drawn-only]   (--drawn-only: redraw from the folders of an earlier run)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { encode as encodePng } from 'fast-png';
import { parseManifest } from '#core/manifest.ts';
import { parseReport } from '#core/report.ts';
import { loadConfig } from '../train/cli/config.ts';
import { inferShapes } from '../train/model/shapes.ts';
import { readWeights } from './restore-weights.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MODELS = ['sparse', 'denoising'] as const;
const GRID = 8;
const SIDE = 28;
const SCALE = 3;

function train(name: string, epochs: number): string {
  const out = join(root, '.cache', 'filters', name);
  const args = ['tsx', 'train/cli.ts', '--config', `train/configs/${name}-digits.json`, '--epochs', String(epochs), '--judge', 'null', '--pretraining', 'null', '--out', out, '--fresh', '--force'];
  const run = spawnSync('npx', args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (run.status !== 0) throw new Error(`training ${name} failed (exit ${run.status}): npx ${args.join(' ')}`);
  return out;
}

/** GRID² tiles of 784 values each (`tileOf(k)`), `SCALE`× enlarged, 2-pixel gaps. */
function filterSheet(tileOf: (k: number) => Float32Array): Uint8Array {
  const tile = SIDE * SCALE + 2;
  const size = GRID * tile;
  const image = new Uint8Array(size * size).fill(255);
  for (let k = 0; k < GRID * GRID; k++) {
    const column = tileOf(k);
    const largest = column.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
    const [left, top] = [(k % GRID) * tile + 1, Math.floor(k / GRID) * tile + 1];
    for (let y = 0; y < SIDE * SCALE; y++) {
      for (let x = 0; x < SIDE * SCALE; x++) {
        const v = column[Math.floor(y / SCALE) * SIDE + Math.floor(x / SCALE)];
        image[(top + y) * size + left + x] = Math.round(127.5 + 127.5 * (v / largest));
      }
    }
  }
  return encodePng({ width: size, height: size, data: image, channels: 1, depth: 8 });
}

function main(): void {
  const { values } = parseArgs({ options: { epochs: { type: 'string', default: '8' }, 'drawn-only': { type: 'boolean', default: false } } });
  const epochs = Number(values.epochs);
  if (!Number.isInteger(epochs) || epochs < 1 || epochs > 100) throw new Error(`--epochs must be an integer in 1–100, got "${values.epochs}"`);
  mkdirSync(join(root, 'site', 'public', 'learn'), { recursive: true });
  const figures = MODELS.map((name) => {
    const dir = values['drawn-only'] ? join(root, '.cache', 'filters', name) : train(name, epochs);
    const spec = loadConfig(join(root, `train/configs/${name}-digits.json`)).model!;
    const shapes = inferShapes(spec);
    const manifest = parseManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
    const weightOf = (which: 'encoder' | 'decoder') => {
      const param = shapes[which].find((layer) => layer.params.length)!.params[0];
      return { param, values: readWeights(new Uint8Array(readFileSync(join(dir, manifest.files[which].path))), [param.name]).get(param.name)! };
    };
    // Encoder [784, 1024]: tile k is column k, what code value k responds to. Decoder [1024, 784]: tile k is row k,
    // what code value k paints; the two are drawn side by side.
    const encoder = weightOf('encoder');
    const decoder = weightOf('decoder');
    const [pixels, code] = encoder.param.shape;
    writeFileSync(join(root, 'site', 'public', 'learn', `filters-${name}.png`), filterSheet((k) => Float32Array.from({ length: pixels }, (_, i) => encoder.values[i * code + k])));
    writeFileSync(join(root, 'site', 'public', 'learn', `features-${name}.png`), filterSheet((k) => decoder.values.slice(k * pixels, (k + 1) * pixels)));
    const first = encoder.param;
    const report = parseReport(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')));
    console.log(`${name}: validation MSE ${report.validation.model.mse.toPrecision(4)}; filters of ${first.name} [${first.shape}]`);
    return { name, image: `learn/filters-${name}.png`, features: `learn/features-${name}.png`, validationMse: report.validation.model.mse, codeSize: report.codeSize, epochs: report.training?.epochs };
  });
  // The epochs the folders were trained for (with --drawn-only, an earlier run's), as their reports say.
  const trained = new Set(figures.map((f) => f.epochs));
  if (trained.size !== 1 || !trained.has(figures[0].epochs)) throw new Error(`the folders were trained for different epochs: ${[...trained].join(', ')}`);
  const used = figures[0].epochs ?? epochs;
  const command = `npx tsx scripts/filter-images.ts --epochs ${used}`;
  writeFileSync(join(root, 'site', 'src', 'data', 'filters.json'), `${JSON.stringify({ command, epochs: used, measured: new Date().toISOString().slice(0, 10), figures }, null, 2)}\n`);
}

main();
