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

/** Model ids -> loaded, validated models with their sessions; each model is loaded once and shared. */
export class ModelRegistry {
  private readonly listing = once(() => this.source.list().then((ids) => [...ids].sort()));
  private readonly loaded = oncePerKey<string, ModelRuntime>();

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
      const model = await loadModel(this.source.reader(id), this.options);
      if (model.manifest.id !== id) throw new Error(`model folder "${id}" holds a manifest with id "${model.manifest.id}"`);
      return new ModelRuntime(model, this.backend, this.options.runtime);
    });
  }
}
