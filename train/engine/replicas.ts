import { Worker } from 'node:worker_threads';
import type { InferenceSession } from 'onnxruntime-node';

/** `length` float32 values from element `offset` of a shared buffer. */
export interface SharedSlice {
  buffer: SharedArrayBuffer;
  offset: number;
  length: number;
}

export interface ReplicaInit {
  bytes: Uint8Array;
  sessionOptions: InferenceSession.SessionOptions;
  feeds: { name: string; shape: number[]; slice: SharedSlice }[];
  fetches: { name: string; shape: number[]; slice: SharedSlice }[];
}

type Reply = { ready?: true; done?: true; error?: string };

/**
 * Worker threads that each run one copy of a graph on their own slices of shared buffers, all at once.
 * onnxruntime-node runs a session synchronously on the calling thread, so parallel replicas need threads
 * of their own; raw worker_threads rather than a task pool (piscina) because each replica keeps its
 * session and its slices for its whole life.
 */
export class ReplicaPool {
  private constructor(private readonly workers: Worker[]) {}

  static async start(inits: ReplicaInit[]): Promise<ReplicaPool> {
    const workers = inits.map((init) => new Worker(new URL('./replica-worker.mjs', import.meta.url), { workerData: init }));
    const pool = new ReplicaPool(workers);
    try {
      await Promise.all(workers.map((w) => reply(w)));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** One run on every replica; resolves when all have written their outputs. */
  async run(): Promise<void> {
    await Promise.all(this.workers.map((w) => (w.postMessage('run'), reply(w))));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function reply(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
    };
    const onMessage = (message: Reply) => {
      cleanup();
      if (message.error) reject(new Error(`replica: ${message.error}`));
      else resolve();
    };
    const onError = (error: Error) => (cleanup(), reject(error));
    worker.on('message', onMessage);
    worker.on('error', onError);
  });
}
