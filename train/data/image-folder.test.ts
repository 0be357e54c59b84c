import { encode } from 'fast-png';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CELEBA_ALIGNED_CROP, loadImageFolder } from './image-folder.ts';

const folders: string[] = [];
afterEach(() => folders.splice(0).forEach((f) => rmSync(f, { recursive: true, force: true })));

/** A folder of solid-colour RGB PNGs (grey level k·40) and, optionally, an attribute table. */
function makeFolder(count: number, options: { width?: number; height?: number; table?: string } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'latentlab-folder-'));
  folders.push(dir);
  mkdirSync(join(dir, 'images'));
  const { width = 12, height = 16 } = options;
  for (let k = 0; k < count; k++) {
    const data = new Uint8Array(width * height * 3).fill(k * 40);
    data[0] = 255;
    writeFileSync(join(dir, 'images', `img${k}.png`), encode({ width, height, data, channels: 3, depth: 8 }));
  }
  if (options.table) writeFileSync(join(dir, 'attributes.csv'), options.table);
  return dir;
}

const table = (count: number) => `filename,Smiling\n${Array.from({ length: count }, (_, k) => `img${k}.png,${k % 2}`).join('\n')}\n`;

describe('loadImageFolder', () => {
  it('decodes, crops and resizes into NCHW [0,1] with attributes in file order', async () => {
    const dir = makeFolder(3, { table: table(3) });
    const { dataset, input, fromCache } = await loadImageFolder({ dir, size: 8 });
    expect(fromCache).toBe(false);
    expect(dataset.shape).toEqual([3, 8, 8]);
    expect(dataset.ids).toEqual(['img0.png', 'img1.png', 'img2.png']);
    expect(Array.from(dataset.attributes.Smiling)).toEqual([-1, 1, -1]);
    expect(dataset.images[2 * 192 + 100]).toBeCloseTo(80 / 255, 5);
    expect(input.preprocess).toEqual({ crop: { kind: 'center-square' }, resize: 'area', grayscale: false });
    expect((await loadImageFolder({ dir, size: 8, channels: 1, limit: 2 })).dataset.shape).toEqual([1, 8, 8]);
  });

  it('reuses a cache keyed by sources and preprocessing', async () => {
    const dir = makeFolder(2, { table: table(2) });
    const cacheDir = join(dir, 'cache');
    const first = await loadImageFolder({ dir, size: 8, cacheDir });
    const second = await loadImageFolder({ dir, size: 8, cacheDir });
    expect(second.fromCache).toBe(true);
    expect(second.dataset.images).toEqual(first.dataset.images);
    expect(Array.from(second.dataset.attributes.Smiling)).toEqual(Array.from(first.dataset.attributes.Smiling));
    expect((await loadImageFolder({ dir, size: 10, cacheDir })).fromCache).toBe(false);
    expect(readdirSync(cacheDir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('stops with a message naming the folder, file or row at fault', async () => {
    await expect(loadImageFolder({ dir: '/nonexistent/faces', size: 8 })).rejects.toThrow(/dataset folder \/nonexistent\/faces does not exist/);
    const broken = makeFolder(2);
    writeFileSync(join(broken, 'images', 'img1.png'), 'not a png');
    await expect(loadImageFolder({ dir: broken, size: 8 })).rejects.toThrow(/cannot read image .*img1\.png/);
    const missingRow = makeFolder(3, { table: table(2) });
    await expect(loadImageFolder({ dir: missingRow, size: 8 })).rejects.toThrow(/attributes\.csv does not match the images:\n.*img2\.png/);
    const extraRow = makeFolder(2, { table: table(3) });
    await expect(loadImageFolder({ dir: extraRow, size: 8 })).rejects.toThrow(/row\(s\) name images missing .*img2\.png/);
    const mixed = makeFolder(2);
    writeFileSync(join(mixed, 'images', 'img9.png'), encode({ width: 20, height: 16, data: new Uint8Array(20 * 16 * 3), channels: 3, depth: 8 }));
    await expect(loadImageFolder({ dir: mixed, size: 8, crop: CELEBA_ALIGNED_CROP })).rejects.toThrow(/img9\.png is 20×16, but img0\.png is 12×16/);
    await expect(loadImageFolder({ dir: mixed, size: 3 })).rejects.toThrow(/image size 3/);
  });

  const celeba = join(process.cwd(), '../shared/datasets/celeba-9k');
  it.skipIf(!existsSync(celeba))('loads the shared CelebA subset with its 40 attributes', async () => {
    const { dataset } = await loadImageFolder({ dir: celeba, size: 32, crop: CELEBA_ALIGNED_CROP, limit: 16 });
    expect(dataset.count).toBe(16);
    expect(Object.keys(dataset.attributes)).toHaveLength(40);
    expect(dataset.ids[0]).toBe('000001.jpg');
  });
});
