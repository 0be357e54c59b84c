import type * as OrtWeb from 'onnxruntime-web';
import { oncePerKey } from '#core/once.ts';

export type OrtModule = typeof OrtWeb;
export type ExecutionProvider = 'webgpu' | 'wasm';

export interface LoadedOrt {
  ort: OrtModule;
  executionProviders: ExecutionProvider[];
}

export interface OrtLoadOptions {
  /** Force one provider (benchmarks and tests pin `wasm`); by default WebGPU is used when the browser offers an adapter. */
  prefer?: ExecutionProvider;
}

async function hasWebGpuAdapter(): Promise<boolean> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) !== null;
  } catch {
    return false;
  }
}


const loading = oncePerKey<string, LoadedOrt>();

/**
 * Imports onnxruntime-web from our own origin (`<assets>/ort/`, copied there by site/build.ts) at run time rather than
 * bundling it, so the ~14 MB wasm and its glue load only when a model is actually needed and never from a CDN.
 */
export function loadOrt(ortBase: URL, options: OrtLoadOptions = {}): Promise<LoadedOrt> {
  const key = `${ortBase.href}|${options.prefer ?? 'auto'}`;
  return loading(key, async () => {
    if (typeof WebAssembly !== 'object') throw new Error('This browser cannot run WebAssembly, so it cannot run the model.');
    const useWebGpu = options.prefer !== 'wasm' && (options.prefer === 'webgpu' || (await hasWebGpuAdapter()));
    const file = useWebGpu ? 'ort.webgpu.min.mjs' : 'ort.wasm.min.mjs';
    const ort = (await import(/* @vite-ignore */ new URL(file, ortBase).href)) as OrtModule;
    ort.env.wasm.wasmPaths = ortBase.href;
    // Threads need SharedArrayBuffer (a cross-origin-isolated page); embedded widgets usually are not isolated.
    ort.env.wasm.numThreads = globalThis.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
    return { ort, executionProviders: useWebGpu ? ['webgpu', 'wasm'] : ['wasm'] };
  });
}
