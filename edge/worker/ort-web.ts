import * as ort from 'onnxruntime-web/wasm';
import ortWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm';

export type OrtWeb = typeof ort;

/**
 * Workers refuse to compile WebAssembly from bytes at run time: `WebAssembly.instantiate` only accepts a module that
 * wrangler compiled at upload time. onnxruntime-web has no hook that hands its Emscripten loader such a module; it only
 * takes `env.wasm.wasmBinary` bytes and passes them to `WebAssembly.instantiate`. So ort gets a marker buffer, and while
 * the runtime initialises, an instantiate call carrying that marker is answered with the precompiled module.
 */
const marker = new ArrayBuffer(8);

function carriesMarker(source: unknown): boolean {
  return source === marker || (ArrayBuffer.isView(source) && source.buffer === marker);
}

async function withPrecompiledRuntime<T>(initialise: () => Promise<T>): Promise<T> {
  const instantiate = WebAssembly.instantiate;
  const routed = (source: unknown, imports?: WebAssembly.Imports) =>
    carriesMarker(source)
      ? instantiate(ortWasm, imports).then((instance) => ({ instance, module: ortWasm }))
      : (instantiate as (s: unknown, i?: WebAssembly.Imports) => Promise<unknown>)(source, imports);
  WebAssembly.instantiate = routed as typeof WebAssembly.instantiate;
  try {
    return await initialise();
  } finally {
    WebAssembly.instantiate = instantiate;
  }
}

let runtimeReady: Promise<void> | undefined;

/**
 * onnxruntime-web set up for the Workers runtime: one thread (no Web Workers, no SharedArrayBuffer threads), no proxy
 * worker, and the wasm runtime taken from the precompiled module. The first session pays for initialising the runtime.
 */
export function createSession(model: Uint8Array): Promise<ort.InferenceSession> {
  const create = () => ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  if (!runtimeReady) {
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    ort.env.wasm.wasmBinary = marker;
    const first = withPrecompiledRuntime(create);
    runtimeReady = first.then(
      () => undefined,
      () => {
        runtimeReady = undefined;
      },
    );
    return first;
  }
  return runtimeReady.then(create);
}

export { ort };
