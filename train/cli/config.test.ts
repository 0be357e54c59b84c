import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from './args.ts';
import { loadConfig, setPath } from './config.ts';
import { checkModel } from './run.ts';

const TINY = join(import.meta.dirname, 'fixtures', 'tiny-digits.json');
const CONFIGS = join(import.meta.dirname, '..', 'configs');
const dir = mkdtempSync(join(tmpdir(), 'latentlab-config-'));

/** The tiny config with one field set (null removes it), written to a fresh file. */
function withField(path: string, value: unknown): string {
  const config = JSON.parse(readFileSync(TINY, 'utf8')) as Record<string, unknown>;
  setPath(config, path, value);
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

describe('config', () => {
  it('loads every shipped config, and each declaration fits its code size', () => {
    for (const name of readdirSync(CONFIGS).filter((f) => f.endsWith('.json'))) {
      const file = join(CONFIGS, name);
      const config = loadConfig(file);
      if (config.model) expect(checkModel(config, file).name).toBe(config.model.name);
    }
  });

  it('rejects a code size the declaration does not produce, naming the field', () => {
    const file = withField('model.encoder.3.name', 'not-the-code');
    expect(() => checkModel(loadConfig(file, { codeSize: 5 }), file)).toThrow(/codeSize is 5 but the model's code has 8 values/);
  });

  it('applies flag overrides by alias and by dotted path, and the code size to the code layer', () => {
    const args = parseArgs(['--config', TINY, '--epochs', '3', '--lr', '1e-4', '--out', 'models/x', '--training.batchSize', '8', '--code', '6', '--device', 'cpu']);
    const config = loadConfig(args.config, args.overrides);
    expect(config.training!.epochs).toBe(3);
    expect(config.training!.optimizer.lr).toBe(1e-4);
    expect(config.training!.batchSize).toBe(8);
    expect(config.output).toBe('models/x');
    expect(config.codeSize).toBe(6);
    expect(config.model!.encoder.find((l) => l.name === 'code')).toMatchObject({ out: 6 });
  });

  it('names the file and the field of every error', () => {
    const cases: [string, unknown, RegExp][] = [
      ['training.epochs', -1, /training\.epochs/],
      ['model.encoder.0.type', 'conv3d', /model\.encoder\.0\.type/],
      ['data.source.kind', 'tape', /data\.source\.kind/],
      ['engine', 'torch', /engine/],
      ['model.loss', { sparsity: { layer: 'nope', weight: 1 } }, /model\.loss\.sparsity\.layer: no layer is named "nope"/],
      ['pca', { components: 8 }, /model: give exactly one of "model" \(an autoencoder\) or "pca"/],
      ['card', null, /card/],
    ];
    for (const [path, value, message] of cases) {
      const file = withField(path, value);
      expect(() => loadConfig(file)).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}[\\s\\S]*${message.source}`));
    }
  });

  it('rejects unreadable files, bad JSON and unknown flags with a clear message', () => {
    expect(() => loadConfig(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read the config \(ENOENT\)/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "id": ');
    expect(() => loadConfig(broken)).toThrow(/broken\.json: not valid JSON/);
    expect(() => parseArgs(['--config'])).toThrow(/--config needs a value/);
    expect(() => parseArgs(['train.json'])).toThrow(/unexpected argument "train.json"/);
    expect(() => loadConfig(TINY, { 'training.__proto__.x': 1 })).toThrow(/not a valid field path/);
  });
});
