import { Piscina, transferableSymbol, valueSymbol } from 'piscina';
import * as ort from 'onnxruntime-node';
import { createApp, type AppOptions } from '../app.ts';
import { nodeJpegCodec } from './jpeg.ts';
import { nodeWebpDecoder } from './webp.ts';
import { ModelRegistry } from '#core/registry.ts';
import { nodeAlignerProvider } from './aligner.ts';
import { fileModelSource } from './file-source.ts';

/** A request as it crosses to a pool thread: the body is a transferred ArrayBuffer, never copied. */
export interface ForwardedRequest {
  method: string;
  url: string;
  headers: [string, string][];
  body: ArrayBuffer | null;
}

export interface ForwardedResponse {
  status: number;
  headers: [string, string][];
  body: ArrayBuffer;
}

/** What every pool thread builds its app from (piscina's workerData). */
export interface ApiWorkerData extends Pick<AppOptions, 'maxBodyBytes' | 'imageLimits'> {
  modelsDir: string;
  /** Shared with the main thread, which adds one when the model folders changed (pool.reloadModels()). */
  modelsGeneration: Int32Array;
}

// One app per thread, built on the thread's first request; each thread runs one request at a time, so one
// single-threaded onnxruntime run per thread keeps the pool at one busy core per thread.
let thread: { app: ReturnType<typeof createApp>; registry: ModelRegistry; generation: number } | undefined;

function threadApp(data: ApiWorkerData) {
  const runtime = { sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1 }, maxConcurrentRuns: 1 };
  const registry = new ModelRegistry(fileModelSource(data.modelsDir), ort, { runtime });
  const generation = Atomics.load(data.modelsGeneration, 0);
  const app = createApp({ maxBodyBytes: data.maxBodyBytes, imageLimits: data.imageLimits, aligner: nodeAlignerProvider(data.modelsDir), jpeg: nodeJpegCodec(), webp: nodeWebpDecoder(), registry });
  return { app, registry, generation };
}

/** Runs one API request on this pool thread: decoding, inference and encoding stay off the main event loop. */
export default async function handle(request: ForwardedRequest) {
  const data = Piscina.workerData as ApiWorkerData;
  thread ??= threadApp(data);
  const generation = Atomics.load(data.modelsGeneration, 0);
  if (generation !== thread.generation) {
    thread.generation = generation;
    await thread.registry.reload();
  }
  const response = await thread.app.fetch(new Request(request.url, { method: request.method, headers: request.headers, body: request.body }));
  const body = await response.arrayBuffer();
  const answer: ForwardedResponse = { status: response.status, headers: [...response.headers], body };
  // piscina's transferable protocol: the body's buffer moves to the main thread instead of being copied.
  return Piscina.move({ [transferableSymbol]: [body], [valueSymbol]: answer } as never);
}
