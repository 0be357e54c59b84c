/**
 * The lesson's "MSE against code size" curve: the convolutional digits autoencoder trained at each code size (the
 * trainer's own CLI, into .cache/sweep/, never over a shipped model), with PCA at the same size from each run's
 * report (the trainer fits it on the same training split). Writes site/src/data/code-size-sweep.json, which the
 * Learn page draws at build time.
 *
 *   npx tsx scripts/code-size-sweep.ts [--sizes 2,8,16,32,64] [--epochs 10] [--config train/configs/conv-digits.json]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseReport } from '#core/report.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SWEEP_FILE = join(root, 'site', 'src', 'data', 'code-size-sweep.json');

function options() {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '2,8,16,32,64' },
      epochs: { type: 'string', default: '10' },
      config: { type: 'string', default: 'train/configs/conv-digits.json' },
    },
  });
  const sizes = values.sizes.split(',').map(Number);
  if (!sizes.every((n) => Number.isInteger(n) && n >= 1 && n <= 784)) throw new Error(`--sizes must list integers in 1–784, got "${values.sizes}"`);
  const epochs = Number(values.epochs);
  if (!Number.isInteger(epochs) || epochs < 1 || epochs > 200) throw new Error(`--epochs must be an integer in 1–200, got "${values.epochs}"`);
  return { sizes, epochs, config: values.config };
}

function main(): void {
  const { sizes, epochs, config } = options();
  const points = sizes.map((size) => {
    const out = join(root, '.cache', 'sweep', `code-${size}`);
    const args = ['tsx', 'train/cli.ts', '--config', config, '--code', String(size), '--epochs', String(epochs), '--judge', 'null', '--pretraining', 'null', '--out', out, '--fresh', '--force'];
    const started = performance.now();
    const run = spawnSync('npx', args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    if (run.status !== 0) throw new Error(`training at code size ${size} failed (exit ${run.status}): npx ${args.join(' ')}`);
    const report = parseReport(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    const seconds = (performance.now() - started) / 1000;
    console.log(`code ${size}: autoencoder MSE ${report.validation.model.mse.toPrecision(4)}, PCA-${report.validation.pca.dim} ${report.validation.pca.mse.toPrecision(4)} (${seconds.toFixed(0)} s)`);
    return { codeSize: size, autoencoder: report.validation.model.mse, pca: report.validation.pca.mse, validationImages: report.data.validationImages };
  });
  mkdirSync(dirname(SWEEP_FILE), { recursive: true });
  const command = `npx tsx scripts/code-size-sweep.ts --sizes ${sizes.join(',')} --epochs ${epochs} --config ${config}`;
  writeFileSync(SWEEP_FILE, `${JSON.stringify({ command, config, epochs, measured: new Date().toISOString().slice(0, 10), points }, null, 2)}\n`);
  console.log(`wrote ${SWEEP_FILE}`);
}

main();
