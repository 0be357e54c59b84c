// First import on purpose: edge/schemas.ts calls `.openapi()` on core zod schemas, which only works for schemas created
// after @hono/zod-openapi has extended zod (zod 4 attaches methods per instance). Reported to the API owner.
import '@hono/zod-openapi';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PRECOMPRESSED_FOLDER } from '../edge/node/static-policy.ts';
import { buildSite, type SiteBuildOptions } from '../site/build.ts';
import { precompress, type PrecompressSummary } from '../edge/node/precompress.ts';

const repoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface ProductionBuildOptions extends Omit<SiteBuildOptions, 'openApiSnapshot'> {
  /** Compressed variants kept between builds (default node_modules/.cache/latentlab-precompress). */
  precompressCacheDir?: string;
}

/**
 * Asks the API app itself for its OpenAPI document (no model and no inference needed). Returns the snapshot file, or
 * undefined when the app cannot load: the API page then fetches /v1/openapi.json at run time.
 */
export async function snapshotOpenApi(outFile: string): Promise<string | undefined> {
  try {
    const [{ createApp }, { ModelRegistry }] = await Promise.all([import('../edge/app.ts'), import('#core/registry.ts')]);
    const noModels = { list: async () => [], reader: () => async () => new ArrayBuffer(0) };
    const inferenceUnused = {} as ConstructorParameters<typeof ModelRegistry>[1];
    const response = await createApp({ registry: new ModelRegistry(noModels, inferenceUnused) }).request('/v1/openapi.json');
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    await writeFile(outFile, await response.text());
    return outFile;
  } catch (error) {
    console.warn(`site: the API page will fetch /v1/openapi.json at run time (no build-time snapshot: ${(error as Error).message})`);
    return undefined;
  }
}

/**
 * `npm run build`: the site (site/build.ts) with the API reference captured from edge/app.ts, then brotli and gzip
 * variants of every compressible file, which the Node server sends by Accept-Encoding (edge/node/static-files.ts).
 */
export async function buildProductionSite(options: ProductionBuildOptions = {}): Promise<{ outDir: string; models: string[]; compressed: PrecompressSummary }> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'latentlab-build-'));
  try {
    const openApiSnapshot = await snapshotOpenApi(path.join(work, 'openapi.json'));
    const { outDir, models } = await buildSite({ ...options, openApiSnapshot });
    const compressed = await precompress({
      dirs: [outDir],
      outDir: path.join(outDir, PRECOMPRESSED_FOLDER),
      cacheDir: options.precompressCacheDir ?? path.join(repoDir, 'node_modules', '.cache', 'latentlab-precompress'),
    });
    return { outDir, models, compressed };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, models: { type: 'string' } } });
  const started = performance.now();
  const { outDir, models, compressed } = await buildProductionSite({ outDir: values.out, modelsDir: values.models });
  const mb = (bytes: number) => (bytes / 1e6).toFixed(2);
  console.log(`site built into ${outDir} in ${((performance.now() - started) / 1000).toFixed(1)} s; models: ${models.join(', ') || 'none (models/ has no valid model yet)'}`);
  console.log(
    `precompressed ${compressed.files} files (${compressed.fromCache} variants from the cache): ${mb(compressed.rawBytes)} MB -> brotli ${mb(compressed.brotliBytes)} MB, gzip ${mb(compressed.gzipBytes)} MB`,
  );
}
