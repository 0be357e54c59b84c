/**
 * Picks the fastest tfjs flavour that loads here. tfjs-node and tfjs-node-gpu are optional dependencies
 * whose libtensorflow download may have failed, so they are only ever imported dynamically: a hard import
 * would break every machine without them.
 */
export type Tfjs = typeof import('@tensorflow/tfjs');
export type TfjsBackendName = 'tfjs-node-gpu' | 'tfjs-node' | 'cpu';

export interface LoadedTfjs {
  tf: Tfjs;
  backend: TfjsBackendName;
  /** Why each faster flavour was skipped, for the engine's report. */
  skipped: string[];
}

export type Importer = (specifier: string) => Promise<unknown>;

const NATIVE_FLAVOURS: { pkg: string; backend: TfjsBackendName; tfBackend: string }[] = [
  { pkg: '@tensorflow/tfjs-node-gpu', backend: 'tfjs-node-gpu', tfBackend: 'tensorflow' },
  { pkg: '@tensorflow/tfjs-node', backend: 'tfjs-node', tfBackend: 'tensorflow' },
];

const defaultImporter: Importer = (specifier) => import(/* @vite-ignore */ specifier);

/** 'best': the fastest flavour that loads; 'cpu': never the GPU build; 'cuda': the GPU build or an error. */
export type TfjsPreference = 'best' | 'cpu' | 'cuda';

const cache = new Map<TfjsPreference, Promise<LoadedTfjs>>();

/** Loads tfjs once per process and preference. */
export function loadTfjs(preference: TfjsPreference = 'best'): Promise<LoadedTfjs> {
  let loaded = cache.get(preference);
  if (!loaded) {
    loaded = selectTfjs(defaultImporter, preference);
    cache.set(preference, loaded);
  }
  return loaded;
}

/** The selection itself, with the importer injectable so the fallback order can be tested. */
export async function selectTfjs(importer: Importer, preference: TfjsPreference = 'best'): Promise<LoadedTfjs> {
  const skipped: string[] = [];
  const flavours = NATIVE_FLAVOURS.filter((f) => (preference === 'cuda' ? f.backend === 'tfjs-node-gpu' : preference === 'best' || f.backend !== 'tfjs-node-gpu'));
  for (const flavour of flavours) {
    try {
      const tf = unwrapDefault(await importer(flavour.pkg));
      if (!(await tf.setBackend(flavour.tfBackend))) throw new Error(`the ${flavour.tfBackend} backend failed to initialise`);
      await tf.ready();
      return { tf, backend: flavour.backend, skipped };
    } catch (error) {
      skipped.push(`${flavour.pkg}: ${firstLine(error)}`);
    }
  }
  if (preference === 'cuda') {
    throw new Error(
      `tfjs engine: --device cuda needs @tensorflow/tfjs-node-gpu (npm install @tensorflow/tfjs-node-gpu, with CUDA 11.2 and cuDNN 8.1 on the machine), which did not load: ${skipped.join('; ')}`,
    );
  }
  const tf = unwrapDefault(await importer('@tensorflow/tfjs'));
  // The pure package also registers WebGL, which Node lacks; pin the CPU kernels explicitly.
  if (!(await tf.setBackend('cpu'))) throw new Error('tfjs: the cpu backend failed to initialise');
  await tf.ready();
  return { tf, backend: 'cpu', skipped };
}

function unwrapDefault(module: unknown): Tfjs {
  const candidate = module as Tfjs & { default?: Tfjs };
  const tf = typeof candidate.setBackend === 'function' ? candidate : candidate.default;
  if (!tf || typeof tf.setBackend !== 'function') throw new Error('module does not export the tfjs API');
  return tf;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}
