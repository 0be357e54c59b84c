import type { EngineName, EngineOptions, TrainingEngine } from './engine.ts';

export const ENGINE_NAMES: readonly EngineName[] = ['ort', 'tfjs'];

/** Engines load lazily: the ort engine must not pull in tfjs, nor tfjs onnxruntime's native binding. */
const loaders: Record<EngineName, (options: EngineOptions) => Promise<TrainingEngine>> = {
  ort: async (options) => (await import('./ort.ts')).createOrtEngine(options),
  tfjs: async (options) => (await import('./tfjs.ts')).createTfjsEngine(options),
};

export function isEngineName(name: string): name is EngineName {
  return (ENGINE_NAMES as readonly string[]).includes(name);
}

export async function createEngine(name: string, options: EngineOptions): Promise<TrainingEngine> {
  if (!isEngineName(name)) throw new Error(`unknown engine "${name}"; known: ${ENGINE_NAMES.join(', ')}`);
  return loaders[name](options);
}
