import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unstable_readConfig, unstable_startWorker } from 'wrangler';

const repoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface LocalWorker {
  url: URL;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export interface LocalWorkerOptions {
  /** A static-assets folder laid out like dist/worker-assets (see assemble-assets.ts). */
  assetsDir: string;
  /** The Worker's configuration (default: the repository's wrangler.toml). */
  config?: string;
}

/**
 * Runs the Worker in the real Workers runtime (workerd through wrangler's local dev server, offline) on a given assets
 * folder. The settings come from wrangler.toml except its [build] step, which would rebuild dist/worker-assets.
 * wrangler's dev bundler always watches the sources: editing them while this runs reloads the Worker.
 */
export async function startLocalWorker(options: LocalWorkerOptions): Promise<LocalWorker> {
  const config = unstable_readConfig({ config: options.config ?? path.join(repoDir, 'wrangler.toml') }, { hideWarnings: true });
  if (!config.main || !config.assets?.binding) throw new Error('wrangler.toml must name `main` and an [assets] binding');
  const workDir = await mkdtemp(path.join(tmpdir(), 'latentlab-worker-'));
  const localConfig = path.join(workDir, 'wrangler.json');
  await writeFile(
    localConfig,
    JSON.stringify({
      name: config.name,
      main: path.resolve(config.main),
      compatibility_date: config.compatibility_date,
      compatibility_flags: config.compatibility_flags,
      rules: config.rules,
      assets: { ...config.assets, directory: path.resolve(options.assetsDir) },
    }),
  );
  // Offline: without this, miniflare spends its first request failing to download the `Request.cf` placeholder.
  process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= 'false';
  const worker = await unstable_startWorker({
    config: localConfig,
    sendMetrics: false,
    dev: { remote: false, server: { hostname: '127.0.0.1', port: 0 }, inspector: false, watch: false, persist: false, logLevel: 'warn' },
  }).catch(async (error: unknown) => {
    await rm(workDir, { recursive: true, force: true });
    throw error;
  });
  try {
    await worker.ready;
    const url = await worker.url;
    return {
      url,
      fetch: (target, init) => fetch(new URL(target, url), init),
      async close() {
        try {
          await worker.dispose();
        } finally {
          await rm(workDir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    await worker.dispose().catch(() => undefined);
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
}
