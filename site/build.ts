import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as astroBuild } from 'astro';
import { build as viteBuild } from 'vite';
import { writeMnistAsset } from '#trainer/build';
import { listBuildModels } from './src/lib/build-models.ts';

const siteDir = path.dirname(fileURLToPath(import.meta.url));
const repoDir = path.resolve(siteDir, '..');

/** The onnxruntime-web files a browser needs: the wasm-only flavour plus the WebGPU flavour, each with its wasm glue. */
export const ORT_FILES = [
  'ort.wasm.min.mjs',
  'ort-wasm-simd-threaded.mjs',
  'ort-wasm-simd-threaded.wasm',
  'ort.webgpu.min.mjs',
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
];

export interface SiteBuildOptions {
  outDir?: string;
  modelsDir?: string;
  quiet?: boolean;
  /**
   * The API's OpenAPI document as a JSON file (scripts/build-site.ts captures it from edge/app.ts), so the API page of a
   * purely static copy of the site still shows the reference; without it the page fetches /v1/openapi.json at run time.
   */
  openApiSnapshot?: string;
}

async function copyOrt(outDir: string): Promise<void> {
  const ortDist = path.join(repoDir, 'node_modules', 'onnxruntime-web', 'dist');
  await mkdir(path.join(outDir, 'ort'), { recursive: true });
  await Promise.all(ORT_FILES.map((file) => cp(path.join(ortDist, file), path.join(outDir, 'ort', file))));
}

/** The model files a browser uses; the rest (judge.onnx, report.html) stay out of the static site. */
const SITE_MODEL_FILES = ['encoder', 'decoder', 'attributes', 'atlas', 'atlasIndex', 'report'];

/** Copies every valid model folder and writes models/index.json, since a static host cannot list directories. */
async function copyModels(outDir: string, modelsDir: string): Promise<string[]> {
  const models = await listBuildModels(modelsDir);
  const target = path.join(outDir, 'models');
  await mkdir(target, { recursive: true });
  for (const { manifest } of models) {
    const from = path.join(modelsDir, manifest.id);
    const to = path.join(target, manifest.id);
    const files = ['manifest.json', ...SITE_MODEL_FILES.flatMap((key) => (manifest.files[key] ? [manifest.files[key].path] : []))];
    await mkdir(to, { recursive: true });
    for (const file of files) {
      await mkdir(path.dirname(path.join(to, file)), { recursive: true });
      await cp(path.join(from, file), path.join(to, file));
    }
  }
  const index = models.map(({ manifest }) => ({ id: manifest.id, title: manifest.title, kind: manifest.kind, dim: manifest.latent.dim }));
  await writeFile(path.join(target, 'index.json'), JSON.stringify({ models: index }, null, 2));
  return models.map((m) => m.manifest.id);
}

/**
 * Copies the face alignment networks (models/align/: align.json and the two files it names) when present, so face
 * models can align uploads in the browser; they are fetched only when a face model gets an upload.
 */
async function copyAlignModels(outDir: string, modelsDir: string): Promise<void> {
  const from = path.join(modelsDir, 'align');
  if (!existsSync(path.join(from, 'align.json'))) return;
  const description = JSON.parse(await readFile(path.join(from, 'align.json'), 'utf8')) as Record<string, { file?: { path?: unknown } }>;
  const files = ['detector', 'landmarks'].map((network) => description[network]?.file?.path);
  if (!files.every((file): file is string => typeof file === 'string' && /^[\w.-]+$/.test(file))) {
    throw new Error(`${path.join(from, 'align.json')} must name detector.file.path and landmarks.file.path as plain file names`);
  }
  await mkdir(path.join(outDir, 'models', 'align'), { recursive: true });
  for (const file of ['align.json', ...files]) await cp(path.join(from, file), path.join(outDir, 'models', 'align', file));
}

/**
 * The widget loader is bundled on its own so it keeps a stable URL (`/widgets.js`) that blogs can link to. Vite (Astro's
 * bundler) rather than esbuild: rollup drops the unused parts of zod's namespace object, esbuild keeps all of it (~450 KB).
 */
async function buildWidgets(outDir: string): Promise<void> {
  await viteBuild({
    configFile: false,
    root: siteDir,
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: false,
      target: 'es2022',
      copyPublicDir: false,
      minify: true,
      lib: { entry: path.join(siteDir, 'src', 'widgets', 'widgets.ts'), formats: ['es'], fileName: () => 'widgets.js' },
      rollupOptions: { output: { chunkFileNames: 'widgets-chunks/[name]-[hash].js' } },
    },
  });
}

/** Content-hashed files a service worker may keep: onnxruntime, Astro's hashed assets, the widget loader and its chunks. */
const WORKER_CACHED = /^(?:ort\/|assets\/|widgets-chunks\/|widgets\.js$|favicon\.svg$)/;
const SERVICE_WORKER_SOURCE = path.join(siteDir, 'src', 'service-worker.js');
const ASSETS_PLACEHOLDER = 'const ASSETS = {};';

/** Writes dist/sw.js: the service worker with the build's files and their hashes, so each build is a new worker. */
async function writeServiceWorker(outDir: string): Promise<void> {
  const entries = await readdir(outDir, { withFileTypes: true, recursive: true });
  const files = entries.filter((e) => e.isFile()).map((e) => path.relative(outDir, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
  const assets: Record<string, string> = {};
  for (const file of files.filter((f) => WORKER_CACHED.test(f)).sort()) {
    assets[file] = createHash('sha256').update(await readFile(path.join(outDir, file))).digest('hex').slice(0, 16);
  }
  const source = await readFile(SERVICE_WORKER_SOURCE, 'utf8');
  if (!source.includes(ASSETS_PLACEHOLDER)) throw new Error(`${SERVICE_WORKER_SOURCE} must declare \`${ASSETS_PLACEHOLDER}\` for the build to fill in`);
  await writeFile(path.join(outDir, 'sw.js'), source.replace(ASSETS_PLACEHOLDER, `const ASSETS = ${JSON.stringify(assets, null, 1)};`));
}

export async function buildSite(options: SiteBuildOptions = {}): Promise<{ outDir: string; models: string[] }> {
  const outDir = path.resolve(options.outDir ?? path.join(siteDir, 'dist'));
  const modelsDir = path.resolve(options.modelsDir ?? path.join(repoDir, 'models'));
  process.env.ASTRO_TELEMETRY_DISABLED = '1';
  // Pages read the model list and reports at build time through this variable (see src/lib/build-models.ts).
  process.env.LATENTLAB_MODELS_DIR = modelsDir;
  await rm(outDir, { recursive: true, force: true });
  if (options.openApiSnapshot) process.env.LATENTLAB_OPENAPI_SNAPSHOT = path.resolve(options.openApiSnapshot);
  else delete process.env.LATENTLAB_OPENAPI_SNAPSHOT;
  await astroBuild({ root: siteDir, outDir, logLevel: options.quiet ? 'error' : 'info' });
  await Promise.all([buildWidgets(outDir), copyOrt(outDir), writeMnistAsset(path.join(outDir, 'learn'))]);
  const models = existsSync(modelsDir) ? await copyModels(outDir, modelsDir) : [];
  if (existsSync(modelsDir)) await copyAlignModels(outDir, modelsDir);
  await writeServiceWorker(outDir);
  return { outDir, models };
}

function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await buildSite({ outDir: argValue('--out'), modelsDir: argValue('--models'), openApiSnapshot: argValue('--openapi') });
  const manifestNote = result.models.length ? result.models.join(', ') : 'none (models/ has no valid model yet)';
  console.log(`site built into ${result.outDir}; models: ${manifestNote}`);
}
