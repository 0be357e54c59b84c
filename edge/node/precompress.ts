import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** What is worth compressing: text, wasm and ONNX (float weights still shrink ~10 % under brotli). Images are not. */
const COMPRESSIBLE = /\.(?:wasm|m?js|onnx|json|html|css|svg|txt|xml)$/;
const MIN_BYTES = 1024;
/** A variant that saves less than this is not worth a second representation. */
const MIN_SAVING = 0.05;
/**
 * Brotli 11 shrinks onnxruntime's 14.2 MB wasm (the one a first visit needs) to 2.30 MB against 2.67 MB at quality 9,
 * 0.15 s less at 20 Mbps, for ~160 s of one busy core once per machine (the cache keeps it; docs/benchmarks.md). The
 * 26.8 MB WebGPU flavour would take twice that, so files above this size get quality 9 (~11 s per 14 MB).
 */
const BEST_QUALITY_MAX_BYTES = 16 * 1024 * 1024;

export interface PrecompressOptions {
  /** Folders whose files get variants (recursively). */
  dirs: string[];
  /** Where variants go, named by content: `<outDir>/<sha256>.br` and `.gz` (what edge/node/static-files.ts reads). */
  outDir: string;
  /** Variants kept between builds, by content hash and quality; only this build's are kept. */
  cacheDir: string;
  /** Files compressed at once (zlib runs on libuv's thread pool). */
  concurrency?: number;
}

export interface PrecompressSummary {
  files: number;
  variants: number;
  fromCache: number;
  rawBytes: number;
  brotliBytes: number;
  gzipBytes: number;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

const brotliQuality = (bytes: Buffer) => (bytes.length > BEST_QUALITY_MAX_BYTES ? 9 : 11);

/** Each encoder with the settings that name its output in the cache. */
const ENCODERS = [
  {
    extension: '.br',
    settings: (bytes: Buffer) => `br${brotliQuality(bytes)}`,
    encode: (bytes: Buffer) =>
      brotliAsync(bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: brotliQuality(bytes),
          [constants.BROTLI_PARAM_LGWIN]: 24,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      }),
  },
  { extension: '.gz', settings: () => 'gz9', encode: (bytes: Buffer) => gzipAsync(bytes, { level: 9 }) },
] as const;

/**
 * Writes brotli and gzip variants of every compressible file, once per distinct content: the same bytes in two places
 * (site/dist/models and models/) share one variant, and an unchanged file costs a copy from the cache, not a compression.
 */
export async function precompress(options: PrecompressOptions): Promise<PrecompressSummary> {
  await rm(options.outDir, { recursive: true, force: true });
  await mkdir(options.outDir, { recursive: true });
  await mkdir(options.cacheDir, { recursive: true });
  const files = (await Promise.all(options.dirs.map(listFiles))).flat().filter((file) => COMPRESSIBLE.test(file));
  const summary: PrecompressSummary = { files: 0, variants: 0, fromCache: 0, rawBytes: 0, brotliBytes: 0, gzipBytes: 0 };
  const done = new Set<string>();
  const used = new Set<string>();

  async function compressOne(file: string): Promise<void> {
    const bytes = await readFile(file);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (bytes.length < MIN_BYTES || done.has(sha256)) return;
    done.add(sha256);
    summary.files += 1;
    summary.rawBytes += bytes.length;
    for (const { extension, settings, encode } of ENCODERS) {
      const cached = path.join(options.cacheDir, `${sha256}.${settings(bytes)}${extension}`);
      used.add(path.basename(cached));
      let variant: Buffer;
      if (existsSync(cached)) {
        variant = await readFile(cached);
        summary.fromCache += 1;
      } else {
        variant = await encode(bytes);
        await writeFile(cached, variant);
      }
      if (extension === '.br') summary.brotliBytes += variant.length;
      else summary.gzipBytes += variant.length;
      if (variant.length > bytes.length * (1 - MIN_SAVING)) continue;
      await copyFile(cached, path.join(options.outDir, `${sha256}${extension}`));
      summary.variants += 1;
    }
  }

  const queue = [...files];
  const workers = Array.from({ length: options.concurrency ?? 2 }, async () => {
    for (let file = queue.shift(); file; file = queue.shift()) await compressOne(file);
  });
  await Promise.all(workers);
  for (const name of await readdir(options.cacheDir)) {
    if (!used.has(name)) await rm(path.join(options.cacheDir, name), { force: true });
  }
  return summary;
}
