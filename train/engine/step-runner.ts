import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { allocate, boundExecutor, size, StepLoop, type StepBuffers, type StepExecutor, type StepGraph, type StepLoopOptions } from './step-loop.ts';
import { createSession, sessionOptions as sessionSettingsOptions, type SessionSettings } from './ort-session.ts';
import { ReplicaPool, type ReplicaInit, type SharedSlice } from './replicas.ts';

export type { StepGraph, TensorSpec } from './step-loop.ts';

export interface StepRunnerOptions extends StepLoopOptions {
  session: SessionSettings;
  /**
   * Data-parallel copies of the graph, each on its own worker thread and core (default 1: one session on
   * this thread). `graph` is then one replica's share: its batch is the step's batch / replicas, the data
   * buffers hold `replicas` such batches back to back, and losses and gradients are the replicas' mean —
   * the full batch's, since every loss is a mean over equal shares.
   */
  replicas?: number;
}

/** The step loop on onnxruntime-node: one session on this thread with its fetches bound to the loop's buffers, or replicas. */
export class StepRunner extends StepLoop {
  static async create(graph: StepGraph, options: StepRunnerOptions): Promise<StepRunner> {
    const replicas = options.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`step runner: replicas must be a positive integer, got ${replicas}`);
    if (replicas === 1) {
      const buffers = allocate(graph, options.initialParams, 1, (n) => new Float32Array(n));
      const session = await createSession(graph.bytes, options.session);
      return new StepRunner(graph, buffers, boundExecutor(ort, session, graph, buffers), options);
    }
    const { buffers, executor } = await startReplicas(graph, options, replicas);
    return new StepRunner(graph, buffers, executor, options);
  }
}

const shared = (length: number) => new Float32Array(new SharedArrayBuffer(4 * length));
const sliceOf = (array: Float32Array, index: number, length: number): SharedSlice => ({ buffer: array.buffer as SharedArrayBuffer, offset: index * length, length });

/** Shared buffers and one worker per replica: each reads its share of the data and randomness, all read the parameters. */
async function startReplicas(graph: StepGraph, options: StepRunnerOptions, replicas: number): Promise<{ buffers: StepBuffers; executor: StepExecutor }> {
  const buffers = allocate(graph, options.initialParams, replicas, shared);
  const lossOut = graph.losses.map(() => shared(replicas));
  const gradOut = graph.params.map((p) => shared(replicas * size(p.shape)));
  const threads = Math.max(1, Math.floor((options.session.threads ?? availableParallelism()) / replicas));
  const sessionOptions = sessionSettingsOptions({ ...options.session, threads, profilePrefix: undefined });
  const inits: ReplicaInit[] = Array.from({ length: replicas }, (_, k) => ({
    bytes: graph.bytes,
    sessionOptions,
    feeds: [
      ...graph.data.map((d) => ({ ...d, slice: sliceOf(buffers.data.get(d.name)!, k, size(d.shape)) })),
      ...graph.params.map((p, i) => ({ ...p, slice: sliceOf(buffers.params[i], 0, size(p.shape)) })),
      ...graph.randomInputs.map((r, i) => ({ name: r.name, shape: r.shape, slice: sliceOf(buffers.random[i], k, size(r.shape)) })),
    ],
    fetches: [
      ...graph.losses.map((name, i) => ({ name, shape: [], slice: sliceOf(lossOut[i], k, 1) })),
      ...graph.gradients.map((name, i) => ({ name, shape: graph.params[i].shape, slice: sliceOf(gradOut[i], k, size(graph.params[i].shape)) })),
    ],
  }));
  buffers.gather = () => {
    buffers.losses.forEach((out, i) => meanOfReplicas(lossOut[i], replicas, 1, out));
    buffers.grads.forEach((out, i) => meanOfReplicas(gradOut[i], replicas, out.length, out));
  };
  const pool = await ReplicaPool.start(inits);
  return { buffers, executor: { run: () => pool.run(), release: () => pool.close() } };
}

/** out[j] = mean over replicas r of all[r * length + j]. */
function meanOfReplicas(all: Float32Array, replicas: number, length: number, out: Float32Array): Float32Array {
  const scale = 1 / replicas;
  for (let j = 0; j < length; j++) {
    let sum = all[j];
    for (let r = 1; r < replicas; r++) sum += all[r * length + j];
    out[j] = sum * scale;
  }
  return out;
}
