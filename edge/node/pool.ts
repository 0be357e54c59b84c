import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { NODE_SERVER_LIMITS } from '../schemas.ts';
import type { ApiWorkerData, ForwardedRequest, ForwardedResponse } from './api-worker.ts';

export interface PoolLimits {
  /** Pool threads (default: one per core). */
  threads?: number;
  /** Requests running or waiting at once; the next gets 503 with Retry-After (default 128). */
  maxPending?: number;
  /** Request body bytes held by running or waiting requests together (default 64 MiB). */
  maxPendingBytes?: number;
  /** Running time of one request on its thread; past it the request gets 503 and the thread is replaced (default 15 s). */
  deadlineMs?: number;
}

const { maxPending: defaultPending, maxPendingBytes: defaultBytes, deadlineMs: defaultDeadline } = NODE_SERVER_LIMITS;
export const DEFAULT_POOL_LIMITS = { maxPending: defaultPending, maxPendingBytes: defaultBytes, deadlineMs: defaultDeadline } as const;

/** Why the pool did not run a request: the server answers 503 with Retry-After for either. */
export class PoolRefusal extends Error {
  constructor(readonly code: 'overloaded' | 'deadline_exceeded', message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

/**
 * Runs API requests on worker threads that each hold their own createApp(): the main event loop only moves bytes,
 * so health checks and static files stay fast while images decode and models run. Admission is bounded by count and
 * bytes; requests wait here for a free thread, then run under a deadline after which their thread is terminated
 * (the only way to stop synchronous work), so the deadline measures work, not time spent queueing.
 */
export function createApiPool(workerData: Omit<ApiWorkerData, 'modelsGeneration'>, limits: PoolLimits = {}) {
  const threads = limits.threads ?? availableParallelism();
  // Every thread, and each one that replaces it, reads this counter before a request: a reload needs no message round.
  const modelsGeneration = new Int32Array(new SharedArrayBuffer(4));
  const { maxPending, maxPendingBytes, deadlineMs } = { ...DEFAULT_POOL_LIMITS, ...limits };
  const pool = new Piscina({
    filename: new URL('./api-worker.ts', import.meta.url).href,
    // Pool threads load the TypeScript sources through tsx, as `npm start` does for the main thread.
    execArgv: ['--import', 'tsx'],
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: Infinity,
    workerData: { ...workerData, modelsGeneration } satisfies ApiWorkerData,
  });
  let pending = 0;
  let pendingBytes = 0;
  let running = 0;
  const waiting: (() => void)[] = [];
  const acquireThread = async () => {
    if (running >= threads) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
  };
  const releaseThread = () => {
    running--;
    waiting.shift()?.();
  };
  return {
    threads,
    get pending() {
      return pending;
    },
    async run(request: ForwardedRequest): Promise<ForwardedResponse> {
      const bytes = request.body?.byteLength ?? 0;
      if (pending >= maxPending || pendingBytes + bytes > maxPendingBytes) {
        throw new PoolRefusal('overloaded', `the server is busy (${pending} requests in progress); retry shortly`, 1);
      }
      pending++;
      pendingBytes += bytes;
      try {
        await acquireThread();
        const signal = AbortSignal.timeout(deadlineMs);
        return (await pool.run(request, { signal, transferList: request.body ? [request.body] : [] }).finally(releaseThread)) as ForwardedResponse;
      } catch (error) {
        if ((error as Error).name === 'AbortError') {
          throw new PoolRefusal('deadline_exceeded', `the request took over the ${deadlineMs / 1000} s limit and was stopped`, 5);
        }
        throw error;
      } finally {
        pending--;
        pendingBytes -= bytes;
      }
    },
    /** Every thread lists the model folders again before its next request (registry.reload()). */
    reloadModels: () => void Atomics.add(modelsGeneration, 0, 1),
    // Graceful: running requests finish before their threads exit (terminating one inside an onnxruntime call can
    // abort the process).
    close: () => pool.close(),
  };
}

export type ApiPool = ReturnType<typeof createApiPool>;
