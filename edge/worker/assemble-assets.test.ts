import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureModel, type FixtureModel } from '../../train/testing/fixture-model.ts';
import { writeFixtureModel } from '../../train/testing/write-fixture.ts';
import { assembleWorkerAssets } from './assemble-assets.ts';

let root: string;
let fixture: FixtureModel;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'latentlab-assets-test-'));
  fixture = await createFixtureModel();
  const folder = await writeFixtureModel(path.join(root, 'models'), fixture);
  await writeFile(path.join(folder, 'report.html'), '<!doctype html><title>report</title>');
  await mkdir(path.join(root, 'models', 'align'), { recursive: true });
  await writeFile(path.join(root, 'models', 'align', 'manifest.json'), JSON.stringify({ schemaVersion: 1, source: 'a face detector' }));
  await writeFile(path.join(root, 'models', 'align', 'detector.onnx'), 'detector weights');
  await mkdir(path.join(root, 'site', 'models', fixture.id), { recursive: true });
  await writeFile(path.join(root, 'site', 'index.html'), '<!doctype html><title>site</title>');
  await writeFile(path.join(root, 'site', 'models', fixture.id, 'encoder.onnx'), 'stale weights from an older site build');
  await writeFile(path.join(root, 'site', 'big.bin'), new Uint8Array(100_000));
  await mkdir(path.join(root, 'site', '_precompressed'));
  await writeFile(path.join(root, 'site', '_precompressed', 'abc.br'), 'a brotli variant for the Node server');
});

afterAll(() => rm(root, { recursive: true, force: true }));

describe('assembleWorkerAssets', () => {
  it('lays out the site at the root and models/ under /models, indexing only the folders that hold a model', async () => {
    const out = path.join(root, 'out');
    const result = await assembleWorkerAssets({ modelsDir: path.join(root, 'models'), siteDir: path.join(root, 'site'), outDir: out, maxAssetBytes: 50_000 });
    expect(result).toMatchObject({ models: [fixture.id], site: true, oversize: ['big.bin'], filesOnly: [{ folder: 'align', reason: expect.stringMatching(/title/) }] });
    expect(await readFile(path.join(out, 'index.html'), 'utf8')).toMatch(/<title>site/);
    expect(await readFile(path.join(out, '_headers'), 'utf8')).toMatch(/^\/\*\n {2}Access-Control-Allow-Origin: \*\n/);
    expect(existsSync(path.join(out, 'big.bin'))).toBe(false);
    expect(await readFile(path.join(out, '_headers'), 'utf8')).toContain('/assets/*\n  Cache-Control: public, max-age=31536000, immutable\n');
    expect(await readFile(path.join(out, '_headers'), 'utf8')).toContain('/train/*\n  Cross-Origin-Opener-Policy: same-origin\n  Cross-Origin-Embedder-Policy: require-corp\n');
    // Cloudflare compresses at the edge; the Node server's variants would be assets of their own.
    expect(existsSync(path.join(out, '_precompressed'))).toBe(false);
    for (const [file, bytes] of fixture.files) expect(Buffer.compare(await readFile(path.join(out, 'models', fixture.id, file)), bytes)).toBe(0);
    expect(await readFile(path.join(out, 'models', fixture.id, 'report.html'), 'utf8')).toMatch(/report/);
    expect(await readFile(path.join(out, 'models', 'align', 'detector.onnx'), 'utf8')).toBe('detector weights');
    const index = JSON.parse(await readFile(path.join(out, 'models', 'index.json'), 'utf8'));
    expect(index).toEqual({ models: [{ id: fixture.id, title: fixture.manifest.title, kind: fixture.manifest.kind, dim: fixture.manifest.latent.dim }] });
  });

  it('serves the API alone when the site is not built, and refuses a folder whose manifest names another model', async () => {
    const out = path.join(root, 'api-only');
    const result = await assembleWorkerAssets({ modelsDir: path.join(root, 'models'), siteDir: path.join(root, 'no-site'), outDir: out });
    expect(result).toMatchObject({ site: false, models: [fixture.id], oversize: [] });
    const renamed = path.join(root, 'renamed');
    await writeFixtureModel(renamed, { ...fixture, id: 'other-name' });
    await expect(assembleWorkerAssets({ modelsDir: renamed, siteDir: path.join(root, 'no-site'), outDir: path.join(root, 'x') })).rejects.toThrow(/"fixture"/);
  });
});
