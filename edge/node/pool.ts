import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { ApiWorkerData, ForwardedRequest, ForwardedResponse } from './api-worker.ts';

export interface PoolLimits {
  /** Pool threads (default: one per core). */
  threads?: number;
  /** Requests running or waiting at once; the next gets 503 with Retry-After (default 128). */
  maxPending?: number;
  /** Request body bytes held by running or waiting requests together (default 64 MiB). */
  maxPendingBytes?: number;
  /** From arrival to answer; past it the request gets 503 and its thread is replaced (default 20 s). */
  deadlineMs?: number;
}

export const DEFAULT_POOL_LIMITS = { maxPending: 128, maxPendingBytes: 64 * 2 ** 20, deadlineMs: 20_000 } as const;

/** Why the pool did not run a request: the server answers 503 with Retry-After for either. */
export class PoolRefusal extends Error {
  constructor(readonly code: 'overloaded' | 'deadline_exceeded', message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

/**
 * Runs API requests on worker threads that each hold their own createApp(): the main event loop only moves bytes,
 * so health checks and static files stay fast while images decode and models run. Admission is bounded by count and
 * bytes, and every request by a deadline after which its thread is terminated (the only way to stop synchronous work).
 */
export function createApiPool(workerData: ApiWorkerData, limits: PoolLimits = {}) {
  const threads = limits.threads ?? availableParallelism();
  const { maxPending, maxPendingBytes, deadlineMs } = { ...DEFAULT_POOL_LIMITS, ...limits };
  const pool = new Piscina({
    filename: new URL('./api-worker.ts', import.meta.url).href,
    // Pool threads load the TypeScript sources through tsx, as `npm start` does for the main thread.
    execArgv: ['--import', 'tsx'],
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: Infinity,
    workerData,
  });
  let pending = 0;
  let pendingBytes = 0;
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
        const signal = AbortSignal.timeout(deadlineMs);
        return (await pool.run(request, { signal, transferList: request.body ? [request.body] : [] })) as ForwardedResponse;
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
    close: () => pool.destroy(),
  };
}

export type ApiPool = ReturnType<typeof createApiPool>;
