import * as ort from 'onnxruntime-web/wasm';
// A relative path: wrangler's CompiledWasm collector does not resolve a package's `exports` for wasm imports.
import ortWasm from '../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm';
import type { InferenceBackend } from '#core/runtime.ts';

/**
 * Workers refuse to compile WebAssembly from bytes at run time: `WebAssembly.instantiate` only accepts a module that
 * wrangler compiled at upload time. onnxruntime-web has no hook that hands its Emscripten loader such a module; it only
 * takes `env.wasm.wasmBinary` bytes and passes them to `WebAssembly.instantiate`. So ort gets a marker buffer, and while
 * the runtime initialises, the instantiate call carrying that marker is answered with the precompiled module.
 */
const marker = new ArrayBuffer(8);

function carriesMarker(source: unknown): boolean {
  return source === marker || (ArrayBuffer.isView(source) && source.buffer === marker);
}

async function withPrecompiledRuntime<T>(initialise: () => Promise<T>): Promise<T> {
  const instantiate = WebAssembly.instantiate as (source: unknown, imports?: WebAssembly.Imports) => Promise<unknown>;
  const routed = (source: unknown, imports?: WebAssembly.Imports) =>
    carriesMarker(source)
      ? WebAssembly.instantiate(ortWasm, imports).then((instance) => ({ instance, module: ortWasm }))
      : instantiate(source, imports);
  WebAssembly.instantiate = routed as typeof WebAssembly.instantiate;
  try {
    return await initialise();
  } finally {
    WebAssembly.instantiate = instantiate as typeof WebAssembly.instantiate;
  }
}

// Settles once the first session has initialised the wasm runtime; later sessions reuse it.
let runtimeReady: Promise<unknown> | undefined;

function createSession(model: Uint8Array, options: ort.InferenceSession.SessionOptions = {}): Promise<ort.InferenceSession> {
  const create = () => ort.InferenceSession.create(model, { ...options, executionProviders: ['wasm'] });
  if (runtimeReady) return runtimeReady.then(create);
  // One thread: Workers have neither Web Workers nor threads; no proxy worker for the same reason.
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmBinary = marker;
  const first = withPrecompiledRuntime(create);
  runtimeReady = first.catch(() => undefined);
  return first;
}

/** onnxruntime-web's wasm backend as the core's injected onnxruntime flavour, ready for the Workers runtime. */
export const workersOrt: InferenceBackend = { InferenceSession: { create: createSession }, Tensor: ort.Tensor };
