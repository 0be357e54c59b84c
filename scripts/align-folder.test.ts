import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from '#core/image/decode.ts';
import { encodePng } from '#core/image/encode.ts';
import { decodedFacePhoto } from '../edge/testing/decoded-face.ts';
import { syntheticPng } from '../edge/testing/images.ts';
import { loadFaceAlignStep } from '../train/data/face-align.ts';
import { CELEBA_ALIGNED_FACE } from '../train/data/image-folder.ts';
import { alignFolder } from './align-folder.ts';

describe('alignFolder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'align-folder-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes aligned square PNGs and skips unreadable photos and photos without a face, naming why', async () => {
    const photos = join(dir, 'photos');
    const out = join(dir, 'aligned');
    mkdirSync(photos);
    writeFileSync(join(photos, 'shapes.png'), syntheticPng(5, 160, 120));
    writeFileSync(join(photos, 'face.png'), encodePng(decodedFacePhoto(160, 120, 1.5)));
    writeFileSync(join(photos, 'broken.jpg'), Buffer.from('not a jpeg at all'));
    const result = await alignFolder(photos, out, 48, loadFaceAlignStep(CELEBA_ALIGNED_FACE));
    expect(result.skipped.map((s) => s.file)).toEqual(['broken.jpg', 'shapes.png']);
    expect(result.skipped[0].reason).toMatch(/^cannot read image .*broken\.jpg: /);
    expect(result.skipped[1].reason).toMatch(/^no_face/);
    expect(result.written).toEqual(['face.png']);
    const aligned = decodeImage(new Uint8Array(readFileSync(join(out, 'face.png'))));
    expect([aligned.width, aligned.height]).toEqual([48, 48]);
  });
});
