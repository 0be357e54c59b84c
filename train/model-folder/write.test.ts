import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseManifest } from '#core/manifest.ts';
import { rewriteModelDir, writeModelDir, type ManifestDraft, type ModelFiles } from './write.ts';

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })));

function draft(overrides: Partial<ManifestDraft> = {}): ManifestDraft {
  return {
    schemaVersion: 1,
    id: 'tiny',
    title: 'Tiny test model',
    version: '1.0.0',
    kind: 'pca',
    card: { summary: 's', data: { name: 'n', source: 'src', licence: 'l' }, intendedUse: 'u', limitations: 'x' },
    input: { channels: 1, height: 2, width: 2, layout: 'NCHW', range: [0, 1], preprocess: { crop: { kind: 'none' }, resize: 'area', grayscale: true } },
    latent: { dim: 2, mean: [0, 0], std: [1, 1] },
    metrics: { validationMse: 0.1 },
    ...overrides,
  };
}

const report = {
  id: 'tiny',
  title: 'Tiny',
  kind: 'pca',
  config: 'tiny.json',
  engine: 'none',
  device: 'cpu',
  data: { name: 'none', trainImages: 3, validationImages: 1, shape: [1, 1, 2] },
  codeSize: 2,
  parameters: 4,
  validation: { model: { mse: 0.1, psnr: 10 }, pca: { mse: 0.1, psnr: 10 }, mseRatioToPca: 1, exported: { mse: 0.1, psnr: 10, float16: false } },
  attributes: {},
  files: {},
};

const files = (encoder = Uint8Array.of(1, 2, 3)): ModelFiles => ({
  encoder,
  decoder: Uint8Array.of(4, 5),
  attributes: { attributes: { odd: { vector: [1, 0], positives: 3, negatives: 4, suggestedRange: [-2, 2] } } },
  extra: { report: { path: 'report.json', bytes: JSON.stringify(report) } },
});

const modelDir = () => {
  const root = mkdtempSync(join(tmpdir(), 'latentlab-models-'));
  roots.push(root);
  return { root, dir: join(root, 'tiny') };
};

describe('writeModelDir', () => {
  it('writes every file with its sha256 and size in a manifest that the shared schema accepts', () => {
    const { dir } = modelDir();
    writeModelDir(dir, draft(), files());
    const manifest = parseManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
    for (const entry of Object.values(manifest.files)) {
      const bytes = readFileSync(join(dir, entry.path));
      expect(entry.bytes).toBe(bytes.byteLength);
      expect(entry.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    expect(Object.keys(manifest.files).sort()).toEqual(['attributes', 'decoder', 'encoder', 'report']);
  });

  it('replaces an existing model whole, and leaves it intact when a write fails midway', () => {
    const { root, dir } = modelDir();
    writeModelDir(dir, draft(), files(Uint8Array.of(1)));
    writeModelDir(dir, draft({ title: 'second' }), files(Uint8Array.of(2)));
    expect(readFileSync(join(dir, 'encoder.onnx'))).toEqual(Buffer.of(2));
    const before = readFileSync(join(dir, 'manifest.json'), 'utf8');

    // "a" is written as a file, so writing "a/b" beneath it fails after other files are already on disk.
    const clashing = { ...files(Uint8Array.of(3)), extra: { first: { path: 'a', bytes: 'x' }, second: { path: 'a/b', bytes: 'y' } } };
    expect(() => writeModelDir(dir, draft({ title: 'third' }), clashing)).toThrow();
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).toBe(before);
    expect(readFileSync(join(dir, 'encoder.onnx'))).toEqual(Buffer.of(2));
    expect(readdirSync(root)).toEqual(['tiny']);
  });

  it('refuses a manifest or attributes that break the contract before touching the target', () => {
    const { dir } = modelDir();
    expect(() => writeModelDir(dir, draft({ latent: { dim: 2, mean: [0], std: [1, 1] } }), files())).toThrow(/latent\.mean: has 1 values/);
    const wrongLength = { ...files(), attributes: { attributes: { odd: { vector: [1], positives: 1, negatives: 1, suggestedRange: [-1, 1] as [number, number] } } } };
    expect(() => writeModelDir(dir, draft(), wrongLength)).toThrow(/attributes\.odd\.vector: has 1 values, latent\.dim is 2/);
    expect(() => writeModelDir(dir, draft(), { ...files(), extra: { x: { path: '../escape', bytes: '' } } })).toThrow(/inside the model folder/);
    const badReport = JSON.stringify({ ...report, validation: { ...report.validation, mseRatioToPca: 'half' } });
    expect(() => writeModelDir(dir, draft(), { ...files(), extra: { report: { path: 'report.json', bytes: badReport } } })).toThrow(/report\.json[\s\S]*validation\.mseRatioToPca/);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('rewriteModelDir', () => {
  it('replaces the named files and manifest fields, adds a new file, and keeps every other file byte for byte', () => {
    const { dir } = modelDir();
    const first = writeModelDir(dir, draft(), files());
    const before = readFileSync(join(dir, 'decoder.onnx'));
    const second = rewriteModelDir(dir, first, { draft: { ...draft(), title: 'renamed' }, replaced: { encoder: { bytes: Uint8Array.of(9) }, atlas: { path: 'atlas.png', bytes: Uint8Array.of(7, 7) } } });
    expect(second.title).toBe('renamed');
    expect([...readFileSync(join(dir, 'encoder.onnx'))]).toEqual([9]);
    expect(readFileSync(join(dir, 'decoder.onnx')).equals(before)).toBe(true);
    expect(second.files.decoder).toEqual(first.files.decoder);
    expect(second.files.report).toEqual(first.files.report);
    expect(Object.keys(second.files)).toEqual([...Object.keys(first.files), 'atlas']);
  });
});
