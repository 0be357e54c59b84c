import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodePng } from '#core/image/encode.ts';
import { decodedFacePhoto } from '../../edge/testing/decoded-face.ts';
import { syntheticPng } from '../../edge/testing/images.ts';
import { CELEBA_ALIGNED_FACE } from '../data/image-folder.ts';
import { loadConfig } from './config.ts';
import { loadTrainingData } from './data.ts';

const TINY = join(import.meta.dirname, 'fixtures', 'tiny-digits.json');

describe('loadTrainingData with a face-aligned folder', () => {
  const work = mkdtempSync(join(tmpdir(), 'latentlab-data-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** The tiny config turned into a PCA run on `source`, so no model input has to match. */
  function configFile(source: Record<string, unknown>): string {
    const config = JSON.parse(readFileSync(TINY, 'utf8'));
    Object.assign(config, { model: undefined, training: undefined, judge: undefined, pretraining: undefined, pca: { components: config.codeSize } });
    config.data = { source, validationFraction: 0.34 };
    const file = join(work, `config-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(config));
    return file;
  }

  it('aligns the photos, logs the ones without a face and states the face positions for the manifest', async () => {
    const photos = join(work, 'photos');
    mkdirSync(photos);
    writeFileSync(join(photos, 'a.png'), encodePng(decodedFacePhoto(160, 120, 1.5)));
    writeFileSync(join(photos, 'b.png'), encodePng(decodedFacePhoto(200, 150, 1.8, 80, 70)));
    writeFileSync(join(photos, 'c.png'), encodePng(decodedFacePhoto(240, 180, 2, 150, 100)));
    writeFileSync(join(photos, 'd.png'), syntheticPng(3, 160, 120));
    const config = loadConfig(configFile({ kind: 'folder', dir: photos, size: 32, align: 'face' }));
    const lines: string[] = [];
    const data = await loadTrainingData(config, join(work, 'cache'), undefined, (line) => lines.push(line));
    expect(data.dataset.ids).toEqual(['a.png', 'b.png', 'c.png']);
    expect(data.dataset.shape).toEqual([3, 32, 32]);
    expect(data.input.face).toEqual(CELEBA_ALIGNED_FACE);
    expect(data.input.preprocess.crop).toEqual({ kind: 'center-square' });
    expect(data.name).toMatch(/faces aligned/);
    expect(lines).toEqual([expect.stringMatching(/^data: face alignment skipped 1 of 4 images: d\.png \(no_face: /)]);
  });

  it('refuses a box crop on aligned faces, naming the field', () => {
    const file = configFile({ kind: 'folder', dir: work, size: 32, align: 'face', crop: 'celeba-aligned' });
    expect(() => loadConfig(file)).toThrow(/data\.source\.crop[\s\S]*must be "center-square" with align "face"/);
  });
});
