import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as astroBuild } from 'astro';
import { build as esbuild } from 'esbuild';
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
}

async function copyOrt(outDir: string): Promise<void> {
  const ortDist = path.join(repoDir, 'node_modules', 'onnxruntime-web', 'dist');
  await mkdir(path.join(outDir, 'ort'), { recursive: true });
  await Promise.all(ORT_FILES.map((file) => cp(path.join(ortDist, file), path.join(outDir, 'ort', file))));
}

/** Copies every valid model folder and writes models/index.json, since a static host cannot list directories. */
async function copyModels(outDir: string, modelsDir: string): Promise<string[]> {
  const models = await listBuildModels(modelsDir);
  const target = path.join(outDir, 'models');
  await mkdir(target, { recursive: true });
  for (const model of models) {
    const from = path.join(modelsDir, model.manifest.id);
    const files = (await readdir(from)).filter((name) => /\.(json|onnx|png)$/.test(name));
    await mkdir(path.join(target, model.manifest.id), { recursive: true });
    await Promise.all(files.map((name) => cp(path.join(from, name), path.join(target, model.manifest.id, name))));
  }
  const index = models.map(({ manifest }) => ({ id: manifest.id, title: manifest.title, kind: manifest.kind, dim: manifest.latent.dim }));
  await writeFile(path.join(target, 'index.json'), JSON.stringify({ models: index }, null, 2));
  return models.map((m) => m.manifest.id);
}

/** The widget loader is bundled on its own so it keeps a stable URL (`/widgets.js`) that blogs can link to. */
async function buildWidgets(outDir: string): Promise<void> {
  await esbuild({
    entryPoints: { widgets: path.join(siteDir, 'src', 'widgets', 'widgets.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    outdir: outDir,
    entryNames: '[name]',
    chunkNames: 'widgets-chunks/[name]-[hash]',
    logLevel: 'warning',
  });
}

export async function buildSite(options: SiteBuildOptions = {}): Promise<{ outDir: string; models: string[] }> {
  const outDir = path.resolve(options.outDir ?? path.join(siteDir, 'dist'));
  const modelsDir = path.resolve(options.modelsDir ?? path.join(repoDir, 'models'));
  process.env.ASTRO_TELEMETRY_DISABLED = '1';
  // Pages read the model list and reports at build time through this variable (see src/lib/build-models.ts).
  process.env.LATENTLAB_MODELS_DIR = modelsDir;
  await rm(outDir, { recursive: true, force: true });
  await astroBuild({ root: siteDir, outDir, logLevel: options.quiet ? 'error' : 'info' });
  await Promise.all([buildWidgets(outDir), copyOrt(outDir)]);
  const models = existsSync(modelsDir) ? await copyModels(outDir, modelsDir) : [];
  return { outDir, models };
}

function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await buildSite({ outDir: argValue('--out'), modelsDir: argValue('--models') });
  const manifestNote = result.models.length ? result.models.join(', ') : 'none (models/ has no valid model yet)';
  console.log(`site built into ${result.outDir}; models: ${manifestNote}`);
}
