import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseManifest, type Manifest } from '#core/manifest.ts';
import { HASHED_FOLDERS, IMMUTABLE, ISOLATED_PAGES, ISOLATION_HEADERS, isolationHeadersFor, PRECOMPRESSED_FOLDER } from '../node/static-policy.ts';

/**
 * Workers static assets get their headers from a `_headers` file. Every asset carries the CORS header the Node server
 * sends, so widgets.js (a module script, which browsers fetch in CORS mode), the wasm and /models/* load cross-origin.
 * Files with a content hash in their name are immutable, as on Node; every other asset keeps Cloudflare's default
 * `public, max-age=0, must-revalidate` with its ETag (the Node server's REVALIDATE policy).
 */
const headerLines = (headers: Record<string, string>) => Object.entries(headers).map(([name, value]) => `  ${name}: ${value}\n`).join('');
export const ASSET_HEADERS = [
  '/*\n  Access-Control-Allow-Origin: *\n',
  ...HASHED_FOLDERS.map((folder) => `${folder}*\n  Cache-Control: ${IMMUTABLE}\n`),
  ...ISOLATED_PAGES.map((page) => `${page}*\n${headerLines(ISOLATION_HEADERS)}`),
  ...['/*.js', '/*.mjs'].map((scripts) => `${scripts}\n${headerLines(isolationHeadersFor(scripts))}`),
].join('');

const repoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Cloudflare serves no static asset larger than this (Workers static assets limit). */
export const MAX_ASSET_BYTES = 25 * 1024 * 1024;

export interface AssembleOptions {
  /** Model folders `<modelsDir>/<id>/` (default: models/). */
  modelsDir?: string;
  /** The built site (default: site/dist); skipped when absent, so the API alone can run. */
  siteDir?: string;
  /** Output (default: dist/worker-assets/), emptied first. */
  outDir?: string;
  /** Files above this size are left out (default: the Workers limit). */
  maxAssetBytes?: number;
}

export interface AssembleResult {
  outDir: string;
  models: string[];
  site: boolean;
  /** Files left out because Workers would refuse them, relative to outDir. */
  oversize: string[];
  /** Folders of models/ copied as plain files, not offered by the API, with the reason. */
  filesOnly: { folder: string; reason: string }[];
}

interface CopiedModels {
  manifests: Manifest[];
  /** Folders served as plain files because they hold no model of the artifact contract, with the reason. */
  filesOnly: { folder: string; reason: string }[];
}

/**
 * Copies every folder of models/ whole, as the Node server serves all of models/ at /models/; only the folders
 * that pass the artifact contract become API models (listed in index.json).
 */
async function copyModels(modelsDir: string, target: string): Promise<CopiedModels> {
  const copied: CopiedModels = { manifests: [], filesOnly: [] };
  if (!existsSync(modelsDir)) return copied;
  const folders = (await readdir(modelsDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  for (const folder of folders) {
    await cp(path.join(modelsDir, folder), path.join(target, folder), { recursive: true });
    const manifestFile = path.join(modelsDir, folder, 'manifest.json');
    if (!existsSync(manifestFile)) {
      copied.filesOnly.push({ folder, reason: 'no manifest.json' });
      continue;
    }
    let manifest: Manifest;
    try {
      manifest = parseManifest(JSON.parse(await readFile(manifestFile, 'utf8')), `models/${folder}/manifest.json`);
    } catch (error) {
      copied.filesOnly.push({ folder, reason: (error as Error).message.replace(/\s*\n\s*/g, ' ') });
      continue;
    }
    if (manifest.id !== folder) throw new Error(`models/${folder}/manifest.json names the model "${manifest.id}"; the folder must carry its id`);
    copied.manifests.push(manifest);
  }
  return copied;
}

async function removeOversize(dir: string, maxBytes: number, root = dir): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) removed.push(...(await removeOversize(file, maxBytes, root)));
    else if ((await stat(file)).size > maxBytes) {
      await rm(file);
      removed.push(path.relative(root, file));
    }
  }
  return removed;
}

/**
 * Builds the Workers static-assets folder: the built site at the root and every model under /models/<id>/, with
 * /models/index.json listing them (a static host cannot list a directory). Same layout as site/dist and the Node server.
 */
export async function assembleWorkerAssets(options: AssembleOptions = {}): Promise<AssembleResult> {
  const modelsDir = path.resolve(options.modelsDir ?? path.join(repoDir, 'models'));
  const siteDir = path.resolve(options.siteDir ?? path.join(repoDir, 'site', 'dist'));
  const outDir = path.resolve(options.outDir ?? path.join(repoDir, 'dist', 'worker-assets'));
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const site = existsSync(siteDir);
  // Cloudflare compresses wasm, JS, JSON and HTML at the edge itself (brotli or gzip by Accept-Encoding), so the Node
  // server's precompressed variants stay out: uploaded, they would only be more assets under the per-file limits.
  const precompressed = path.join(siteDir, PRECOMPRESSED_FOLDER);
  if (site) await cp(siteDir, outDir, { recursive: true, filter: (source) => source !== precompressed });
  // Fresh copies from models/ win over the site's, so the API never serves weights older than the repository's.
  const target = path.join(outDir, 'models');
  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });
  const { manifests, filesOnly } = await copyModels(modelsDir, target);
  const index = manifests.map((m) => ({ id: m.id, title: m.title, kind: m.kind, dim: m.latent.dim }));
  await writeFile(path.join(target, 'index.json'), JSON.stringify({ models: index }, null, 2));
  const siteHeaders = path.join(outDir, '_headers');
  await writeFile(siteHeaders, ASSET_HEADERS + (existsSync(siteHeaders) ? `\n${await readFile(siteHeaders, 'utf8')}` : ''));
  const oversize = await removeOversize(outDir, options.maxAssetBytes ?? MAX_ASSET_BYTES);
  return { outDir, models: manifests.map((m) => m.id), site, oversize, filesOnly };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { models: { type: 'string' }, site: { type: 'string' }, out: { type: 'string' } },
  });
  const result = await assembleWorkerAssets({ modelsDir: values.models, siteDir: values.site, outDir: values.out });
  console.log(`worker assets: ${result.outDir} (models: ${result.models.join(', ') || 'none'}; site: ${result.site ? 'yes' : 'not built, API only'})`);
  for (const { folder, reason } of result.filesOnly) {
    console.log(`worker assets: models/${folder} is served as files only, not by the API: ${reason.slice(0, 160)}`);
  }
  for (const file of result.oversize) {
    console.warn(`worker assets: left out ${file}: over the ${MAX_ASSET_BYTES / 1024 / 1024} MiB Workers limit per static asset`);
  }
  if (result.oversize.some((file) => file.startsWith('models'))) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(`worker assets: ${(error as Error).message}`);
    process.exit(1);
  });
}
