import type { InferenceSession } from 'onnxruntime-common';
import { imageSize, type Dataset } from '../data/dataset.ts';
import { BatchOrder } from '../engine/batch-order.ts';
import { allocate, autoencoderStepGraph, copyingExecutor, StepLoop, type OrtApi } from '../engine/step-loop.ts';
import { buildDecoderGraph, buildEncoderGraph, buildForwardGraph } from '../graphs/inference.ts';
import { buildTrainingGraph } from '../graphs/training.ts';
import { initParams } from '../model/shapes.ts';
import type { LessonNetwork } from './catalogue.ts';
import { runRows } from './run-images.ts';

export interface LessonTrainerOptions {
  seed: number;
  sessionOptions?: InferenceSession.SessionOptions;
}

/**
 * One lesson network trained on the shared step loop, batch after batch in a seeded order. Node (onnxruntime-node,
 * in tests) and the Train page's worker (onnxruntime-web) run this same class, so one seed gives one loss curve.
 */
export class NetworkTrainer {
  private readonly image: Float32Array;
  private readonly indices: Uint32Array;

  private constructor(
    readonly model: LessonNetwork,
    private readonly ort: OrtApi,
    private readonly loop: StepLoop,
    private readonly order: BatchOrder,
    private readonly train: Dataset,
    private readonly sessionOptions: InferenceSession.SessionOptions | undefined,
  ) {
    this.image = loop.data.get('image')!;
    this.indices = new Uint32Array(model.batch);
  }

  static async create(ort: OrtApi, model: LessonNetwork, train: Dataset, { seed, sessionOptions }: LessonTrainerOptions): Promise<NetworkTrainer> {
    const graph = autoencoderStepGraph(buildTrainingGraph(model.spec, { batch: model.batch }));
    const initialParams = initParams(model.spec, seed);
    const buffers = allocate(graph, initialParams, 1, (n) => new Float32Array(n));
    const session = await ort.InferenceSession.create(graph.bytes, sessionOptions);
    const loop = new StepLoop(graph, buffers, copyingExecutor(ort, session, graph, buffers), { initialParams, optimizer: model.optimizer, seed });
    return new NetworkTrainer(model, ort, loop, BatchOrder.create(train.count, seed), train, sessionOptions);
  }

  get steps(): number {
    return this.loop.optimizer.step;
  }

  /** Images seen so far over the training set's size. */
  get epochs(): number {
    return (this.steps * this.model.batch) / this.train.count;
  }

  /** One optimizer step on the next batch; returns its losses, total first. */
  async step(): Promise<Map<string, number>> {
    const size = imageSize(this.train.shape);
    this.order.next(this.indices);
    this.indices.forEach((index, row) => this.image.set(this.train.images.subarray(index * size, (index + 1) * size), row * size));
    return this.loop.step();
  }

  /** Reconstructions of `count` images with the weights as they are now (clean inputs: the inference graph has no noise). */
  async reconstruct(images: Float32Array): Promise<Float32Array> {
    return runRows(this.ort, buildForwardGraph(this.model.spec, this.loop.params()), images, this.train.shape, this.sessionOptions);
  }

  /** The exported halves, as the trainer writes them. */
  graphs(): { encoder: Uint8Array; decoder: Uint8Array } {
    const params = this.loop.params();
    return { encoder: buildEncoderGraph(this.model.spec, params), decoder: buildDecoderGraph(this.model.spec, params) };
  }

  release(): Promise<void> {
    return this.loop.release();
  }
}
