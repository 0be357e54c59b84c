import { loadModel, type LoadOptions, type ReadFile } from './model-loader.ts';
import { oncePerKey, once } from './once.ts';
import { ModelRuntime, type InferenceBackend, type RuntimeOptions } from './runtime.ts';

/** Where a runtime keeps its model folders: the file system on Node, static assets on Workers, fetch in a browser. */
export interface ModelSource {
  /** The ids of the models on offer. */
  list(): Promise<string[]>;
  /** Reads files of model `id`, by path relative to its folder. */
  reader(id: string): ReadFile;
}

export interface RegistryOptions extends LoadOptions {
  runtime?: RuntimeOptions;
}

/** What a reload found: folders that appeared, went away, or hold a new manifest (so new files). */
export interface ReloadReport {
  added: string[];
  removed: string[];
  changed: string[];
}

/** The manifest's text, or undefined when it cannot be read (then the load fails too, with the reason). */
const manifestText = (read: ReadFile) =>
  read('manifest.json').then(
    (bytes) => new TextDecoder().decode(bytes),
    () => undefined,
  );

/** Model ids -> loaded, validated models with their sessions; each model is loaded once and shared. */
export class ModelRegistry {
  private readonly listing = once(() => this.source.list().then((ids) => [...ids].sort()));
  private readonly loaded = oncePerKey<string, ModelRuntime>();
  /** The manifest each loaded model was read from: it lists every file's sha256, so a new model has a new manifest. */
  private readonly manifests = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly source: ModelSource,
    private readonly backend: InferenceBackend,
    private readonly options: RegistryOptions = {},
  ) {}

  list(): Promise<string[]> {
    return this.listing();
  }

  async has(id: string): Promise<boolean> {
    return (await this.list()).includes(id);
  }

  /** The model's runtime, or undefined when no model has this id. A failed load is retried on the next call. */
  async get(id: string): Promise<ModelRuntime | undefined> {
    if (!(await this.has(id))) return undefined;
    return this.loaded(id, async () => {
      this.manifests.set(id, manifestText(this.source.reader(id)));
      try {
        const model = await loadModel(this.source.reader(id), this.options);
        if (model.manifest.id !== id) throw new Error(`model folder "${id}" holds a manifest with id "${model.manifest.id}"`);
        return new ModelRuntime(model, this.backend, this.options.runtime);
      } catch (error) {
        this.manifests.delete(id);
        throw error;
      }
    });
  }

  /**
   * Lists the source again and forgets every loaded model whose folder is gone or whose manifest changed; the next
   * request loads it afresh. Requests already holding a runtime finish on it.
   */
  async reload(): Promise<ReloadReport> {
    const before = await this.list().catch((): string[] => []);
    this.listing.reset();
    const ids = await this.list();
    const changed: string[] = [];
    for (const [id, manifest] of [...this.manifests]) {
      const now = ids.includes(id) ? await manifestText(this.source.reader(id)) : undefined;
      if (now !== undefined && now === (await manifest)) continue;
      if (now !== undefined) changed.push(id);
      this.forget(id);
    }
    return { added: ids.filter((id) => !before.includes(id)), removed: before.filter((id) => !ids.includes(id)), changed };
  }

  private forget(id: string): void {
    this.loaded.forget(id);
    this.manifests.delete(id);
  }
}
