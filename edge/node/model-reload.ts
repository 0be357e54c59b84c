import { watch, type FSWatcher } from 'node:fs';
import type { ModelRegistry, ReloadReport } from '#core/registry.ts';
import type { ApiPool } from './pool.ts';

export interface ReloadTargets {
  /** The main thread's registry (health lists its models). */
  registry: ModelRegistry;
  pool: Pick<ApiPool, 'reloadModels'>;
}

/** Lists the model folders again on the main thread and tells every pool thread to do the same before its next request. */
export async function reloadModels(targets: ReloadTargets): Promise<ReloadReport> {
  const report = await targets.registry.reload();
  targets.pool.reloadModels();
  return report;
}

/**
 * Watches MODELS_DIR itself (not its subfolders) and reloads once things settle: the trainer writes a model into a
 * hidden staging folder and renames it into place (train/artifacts/write-model.ts), so a new, replaced or removed
 * model is one rename here. A folder copied in by hand should arrive the same way (copy, then `mv`).
 */
export function watchModelFolders(modelsDir: string, targets: ReloadTargets, { settleMs = 300, log = console.log } = {}): FSWatcher | undefined {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const reload = () =>
    reloadModels(targets).then(
      ({ added, removed, changed }) => {
        const parts = [['new', added], ['removed', removed], ['replaced', changed]].filter(([, ids]) => ids.length);
        if (parts.length) log(`models: ${parts.map(([what, ids]) => `${what} ${(ids as string[]).join(', ')}`).join('; ')}`);
      },
      (error: unknown) => console.error('models: reload failed:', error),
    );
  try {
    const watcher = watch(modelsDir, { persistent: false }, () => {
      clearTimeout(timer);
      timer = setTimeout(reload, settleMs);
    });
    watcher.on('close', () => clearTimeout(timer));
    return watcher;
  } catch (error) {
    console.warn(`models: not watching ${modelsDir} (${(error as Error).message}); restart the server to pick up new models`);
    return undefined;
  }
}
