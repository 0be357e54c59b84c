import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAttributes, parseManifest } from '#core/manifest.ts';
import { loadCheckpoint } from '../engine/checkpoint.ts';
import { chooseOutput, isShippedModel, parseArgs } from './args.ts';
import { runTraining, type RunIo } from './run.ts';
import { CHECKPOINT_FILE } from './train-loop.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const TINY = join(import.meta.dirname, 'fixtures', 'tiny-digits.json');
const work = mkdtempSync(join(tmpdir(), 'latentlab-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const quiet = (): RunIo => ({ log: () => undefined, interrupted: () => false, progress: false, cacheRoot: work });
const run = (flags: string[], io: RunIo = quiet()) => runTraining(parseArgs(['--config', TINY, ...flags]), io);

describe('train CLI', () => {
  it('trains a tiny config end to end into a valid model folder', async () => {
    const out = join(work, 'models', 'tiny');
    const result = await run(['--out', out, '--run-dir', join(work, 'runs', 'e2e')]);
    const manifest = parseManifest(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')));
    expect(manifest).toEqual(result.manifest);
    expect(manifest.latent.dim).toBe(8);
    const { attributes } = parseAttributes(JSON.parse(readFileSync(join(out, 'attributes.json'), 'utf8')), manifest);
    // Partial effects by default; `odd` and the digits cannot change without each other, so they keep the mean difference.
    expect([attributes.thickness.method, attributes.odd.method, attributes.digit_1.method]).toEqual(['partial-effect', 'mean-difference', 'mean-difference']);
    expect(attributes.thickness.meanDifference).toHaveLength(8);
    for (const name of ['encoder.onnx', 'decoder.onnx', 'judge.onnx', 'report.json', 'report.html', 'atlas.png']) expect(existsSync(join(out, name))).toBe(true);

    const encoder = await ort.InferenceSession.create(join(out, 'encoder.onnx'));
    const decoder = await ort.InferenceSession.create(join(out, 'decoder.onnx'));
    const { latent } = await encoder.run({ image: new ort.Tensor('float32', new Float32Array(2 * 784).fill(0.2), [2, 1, 28, 28]) });
    expect(latent.dims).toEqual([2, 8]);
    const { image } = await decoder.run({ latent });
    expect(image.dims).toEqual([2, 1, 28, 28]);
    expect([...(image.data as Float32Array)].every((v) => v >= 0 && v <= 1)).toBe(true);

    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.validation.pca.mse).toBeGreaterThan(0);
    expect(report.training.curve).toHaveLength(2);
    expect(Object.keys(report.attributes).sort()).toEqual(['digit_1', 'odd', 'thickness']);
    expect(report.pretraining.rows).toHaveLength(2);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('data:image/png;base64,');
    // The model folder is swapped in whole: no staging folder is left beside it.
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toContain('"tiny-digits"');
  });

  it('resumes after an interruption on the same loss curve', async () => {
    const straight = await run(['--out', join(work, 'models', 'a'), '--run-dir', join(work, 'runs', 'a'), '--judge', 'null', '--pretraining', 'null']);
    const pausedDir = join(work, 'runs', 'b');
    const paused = await run(['--out', join(work, 'models', 'b'), '--run-dir', pausedDir, '--judge', 'null', '--pretraining', 'null', '--stop-after', '4']);
    expect(paused.manifest).toBeUndefined();
    expect((await loadCheckpoint(join(pausedDir, CHECKPOINT_FILE))).engine.step).toBe(4);
    const resumed = await run(['--out', join(work, 'models', 'b'), '--run-dir', pausedDir, '--judge', 'null', '--pretraining', 'null']);
    expect(resumed.report!.training!.resumedFromStep).toBe(4);
    const curve = (r: typeof straight) => r.report!.training!.curve.map(({ epoch, step, trainLoss, validationMse }) => ({ epoch, step, trainLoss, validationMse }));
    expect(curve(resumed)).toEqual(curve(straight));
    expect(resumed.report!.validation.model.mse).toBe(straight.report!.validation.model.mse);
  });

  it('reports a code wider than PCA can fit without a ratio', async () => {
    // 128 training images: PCA keeps at most 127 directions, fewer than the 200-value code.
    const flags = ['--codeSize', '200', '--model.encoder.3.out', '200', '--judge', 'null', '--pretraining', 'null', '--attributes', '["odd"]', '--edits.attributes', '["odd"]'];
    const result = await run([...flags, '--out', join(work, 'models', 'wide'), '--run-dir', join(work, 'runs', 'wide')]);
    expect(result.report!.validation.pca).toMatchObject({ dim: 127, limitedBy: 'training images − 1' });
    expect(result.report!.validation.mseRatioToPca).toBeNull();
    expect(result.manifest!.metrics.mseRatioToPca).toBeUndefined();
  });

  it('stops with a message naming the data field when the image folder is missing', async () => {
    const config = JSON.parse(readFileSync(TINY, 'utf8'));
    config.data.source = { kind: 'folder', dir: join(work, 'no-such-folder'), size: 32 };
    config.model.input = [3, 32, 32];
    config.model.decoder = [{ type: 'linear', out: 3072 }, { type: 'sigmoid' }, { type: 'reshape', shape: [3, 32, 32] }];
    const file = join(work, 'folder.json');
    writeFileSync(file, JSON.stringify(config));
    await expect(runTraining(parseArgs(['--config', file]), quiet())).rejects.toThrow(/data\.source \(dir .*no-such-folder.*does not exist/);
  });
});

describe('train CLI arguments', () => {
  it('reads --name value, --name=value and bare switches', () => {
    const args = parseArgs(['--config', TINY, '--epochs=3', '--training.optimizer.lr', '1e-3', '--weights', 'int8', '--fresh', '--stop-after', '5']);
    expect(args.overrides).toEqual({ 'training.epochs': 3, 'training.optimizer.lr': 1e-3, weights: 'int8' });
    expect([args.fresh, args.force, args.stopAfterSteps]).toEqual([true, false, 5]);
    expect(parseArgs(['--config', TINY, '--fresh', '--seed=-1']).overrides).toEqual({ 'training.seed': -1 });
    expect(() => parseArgs(['--config', TINY, '--seed', '-1'])).toThrow(/--seed needs a value; one that starts with a dash goes after "="/);
    expect(() => parseArgs(['--config', TINY, '--stop-after', '0'])).toThrow(/--stop-after needs a positive whole number/);
  });

  it('writes a new models/<id>-<n> folder by default, whose id matches its name', () => {
    const dir = join(work, 'default-out');
    const config = JSON.parse(readFileSync(TINY, 'utf8'));
    writeFileSync(join(work, 'default-out.json'), JSON.stringify({ ...config, output: join(dir, 'tiny-digits') }));
    mkdirSync(join(dir, 'tiny-digits-1'), { recursive: true });
    const chosen = chooseOutput(parseArgs(['--config', join(work, 'default-out.json')]));
    expect(chosen.overrides.id).toBe('tiny-digits-2');
    expect(resolve(chosen.overrides.output as string)).toBe(join(dir, 'tiny-digits-2'));
  });

  it('refuses to write over a shipped model without --force', () => {
    const shipped = join(ROOT, 'models', 'digits');
    expect(isShippedModel(shipped)).toBe(true);
    expect(isShippedModel(join(work, 'models'))).toBe(false);
    expect(() => chooseOutput(parseArgs(['--config', TINY, '--out', shipped]))).toThrow(/is a shipped model .*--force/);
    expect(chooseOutput(parseArgs(['--config', TINY, '--out', shipped, '--force'])).overrides.output).toBe(shipped);
  });
});

describe('train CLI process', () => {
  const cli = (args: string[]) =>
    spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'train', 'cli.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const exit = (child: ReturnType<typeof cli>) => new Promise<number | null>((done) => child.on('exit', (code) => done(code)));

  it('exits non-zero naming the field of a bad config', async () => {
    const file = join(work, 'bad.json');
    const config = JSON.parse(readFileSync(TINY, 'utf8'));
    config.training.epochs = 0;
    writeFileSync(file, JSON.stringify(config));
    const child = cli(['--config', file]);
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    expect(await exit(child)).toBe(2);
    expect(stderr).toMatch(/bad\.json: invalid config[\s\S]*training\.epochs/);
  });

  it('lists every config with its title in --help', async () => {
    const child = cli(['--help']);
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    expect(await exit(child)).toBe(0);
    for (const name of readdirSync(join(ROOT, 'train', 'configs'))) {
      const { title } = JSON.parse(readFileSync(join(ROOT, 'train', 'configs', name), 'utf8'));
      expect(stdout).toMatch(new RegExp(`${name.replace('.', '\\.')} +${title.replace(/[()]/g, '\\$&')}`));
    }
  });

  it('says where the model is and how a running server picks it up', async () => {
    const out = join(work, 'models', 'cli-done');
    const child = cli(['--config', TINY, '--out', out, '--run-dir', join(work, 'runs', 'cli-done'), '--judge', 'null', '--pretraining', 'null']);
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    expect(await exit(child)).toBe(0);
    expect(stderr).toContain(`model "tiny-digits" is ready in ${relative(ROOT, out)}`);
    expect(stderr).toContain('A running `npm start` serves it');
  });

  it('saves a checkpoint on Ctrl-C and exits with 130', async () => {
    const runDir = join(work, 'runs', 'sigint');
    const child = cli(['--config', TINY, '--epochs', '500', '--run-dir', runDir, '--out', join(work, 'models', 'sigint')]);
    let stderr = '';
    const started = new Promise<void>((ready) =>
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        if (stderr.includes('data: ')) ready();
      }),
    );
    await started;
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    expect(await exit(child)).toBe(130);
    expect(stderr).toContain('checkpoint saved');
    const checkpoint = await loadCheckpoint(join(runDir, CHECKPOINT_FILE));
    expect(checkpoint.engine.step).toBeGreaterThanOrEqual(0);
    expect(existsSync(join(work, 'models', 'sigint'))).toBe(false);
  });
});
