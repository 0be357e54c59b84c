import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertDataset, imageSize, type Dataset } from './dataset.ts';

/** A short hex digest of everything that determines the decoded pixels (sources, sizes, dates, preprocessing). */
export function cacheKey(description: unknown): string {
  return createHash('sha256').update(JSON.stringify(description)).digest('hex').slice(0, 24);
}

interface CacheHeader {
  name: string;
  shape: [number, number, number];
  count: number;
  ids: string[];
  attributes: Record<string, number[]>;
  continuous: Record<string, number[]>;
}

const paths = (dir: string, name: string, key: string) => {
  const base = join(dir, `${name.replace(/[^A-Za-z0-9_-]/g, '_')}-${key}`);
  return { header: `${base}.json`, pixels: `${base}.f32` };
};

/** Writes the pixels as raw little-endian float32 beside a JSON header; each file lands by rename, so a crash leaves no torn cache. */
export function writeCachedDataset(dir: string, name: string, key: string, dataset: Dataset): void {
  mkdirSync(dir, { recursive: true });
  const { header, pixels } = paths(dir, name, key);
  const content: CacheHeader = {
    name: dataset.name,
    shape: [...dataset.shape] as [number, number, number],
    count: dataset.count,
    ids: dataset.ids,
    attributes: Object.fromEntries(Object.entries(dataset.attributes).map(([k, v]) => [k, Array.from(v)])),
    continuous: Object.fromEntries(Object.entries(dataset.continuous).map(([k, v]) => [k, Array.from(v)])),
  };
  const suffix = `.tmp-${randomBytes(4).toString('hex')}`;
  writeFileSync(pixels + suffix, new Uint8Array(dataset.images.buffer, dataset.images.byteOffset, dataset.images.byteLength));
  writeFileSync(header + suffix, JSON.stringify(content));
  renameSync(pixels + suffix, pixels);
  renameSync(header + suffix, header);
}

/** The cached dataset, or undefined when there is none or it does not fit its header (then it is rebuilt). */
export function readCachedDataset(dir: string, name: string, key: string): Dataset | undefined {
  const { header, pixels } = paths(dir, name, key);
  if (!existsSync(header) || !existsSync(pixels)) return undefined;
  try {
    const content = JSON.parse(readFileSync(header, 'utf8')) as CacheHeader;
    const bytes = readFileSync(pixels);
    if (bytes.byteLength !== content.count * imageSize(content.shape) * 4) throw new Error('pixel file size does not match the header');
    // Copy into a fresh, aligned buffer: a Buffer may start at an offset a Float32Array cannot view.
    const images = new Float32Array(bytes.byteLength / 4);
    new Uint8Array(images.buffer).set(bytes);
    const dataset: Dataset = {
      name: content.name,
      shape: content.shape,
      count: content.count,
      images,
      ids: content.ids,
      attributes: Object.fromEntries(Object.entries(content.attributes).map(([k, v]) => [k, Int8Array.from(v)])),
      continuous: Object.fromEntries(Object.entries(content.continuous).map(([k, v]) => [k, Float32Array.from(v)])),
    };
    assertDataset(dataset);
    return dataset;
  } catch {
    rmSync(header, { force: true });
    rmSync(pixels, { force: true });
    return undefined;
  }
}
