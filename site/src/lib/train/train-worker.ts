/// <reference lib="webworker" />
import { fitLessonPca, lessonModel, lessonModelFolder, lessonSplit, meanSquaredError, MNIST_ASSET, NetworkTrainer, runRows, type LessonSplit } from '#trainer';
import { zipSync } from 'fflate';
import { loadOrt, type LoadedOrt } from '../ort-loader.ts';
import { loadZippedModel } from './open-zip.ts';
import { SAMPLE_DIGITS, type TrainEvent, type TrainRequest } from './protocol.ts';

/**
 * The Train page's worker: training runs here so the page never janks. It loads onnxruntime-web and the MNIST asset
 * from the site's own origin, trains one lesson model with the trainer's own graphs and step loop (#trainer), posts
 * progress about five times a second and an evaluation on the validation digits every EVALUATION_MS, and zips the
 * model folder on request.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (event: TrainEvent, transfer: Transferable[] = []) => scope.postMessage(event, transfer);

const PROGRESS_MS = 200;
const EVALUATION_MS = 2000;
/** Where a run stops by itself; the visitor can pause earlier, export at any point. */
const DEFAULT_MAX_EPOCHS = 30;

interface Run {
  ort: LoadedOrt;
  data: LessonSplit;
  model: ReturnType<typeof lessonModel>;
  seed: number;
  trainer?: NetworkTrainer;
  pca?: Awaited<ReturnType<typeof fitLessonPca>>;
  pcaMse: number;
  startedAt: number;
  pausedFor: number;
  metrics: Record<string, number | string>;
}

let run: Run | undefined;
let base: Promise<{ ort: LoadedOrt; data: LessonSplit }> | undefined;
let paused = false;
let wake: (() => void) | undefined;

async function loadData(assetBase: URL): Promise<LessonSplit> {
  const fetchOk = async (name: string) => {
    const response = await fetch(new URL(`learn/${name}`, assetBase));
    if (!response.ok) throw new Error(`the MNIST digits (${name}) answered HTTP ${response.status}`);
    return response;
  };
  const [image, index] = await Promise.all([fetchOk(MNIST_ASSET.image).then((r) => r.arrayBuffer()), fetchOk(MNIST_ASSET.index).then((r) => r.json())]);
  return lessonSplit(new Uint8Array(image), index);
}

/** Evenly spaced validation digits: the split is sorted by label, so these cover all ten. */
const sampleIndices = (count: number) => Array.from({ length: SAMPLE_DIGITS }, (_, k) => Math.floor(((k + 0.5) * count) / SAMPLE_DIGITS));
const pick = (images: Float32Array, count: number) => {
  const out = new Float32Array(SAMPLE_DIGITS * 784);
  sampleIndices(count).forEach((index, k) => out.set(images.subarray(index * 784, (index + 1) * 784), k * 784));
  return out;
};
const samplesOf = (data: LessonSplit) => pick(data.validation.images, data.validation.count);

/**
 * Idle pool threads sleep rather than spin (as the Node trainer's sessions do): on a two-core machine a spinning
 * pool takes the core the page and the other thread need, and measured slower than one thread.
 */
const trainingSessionOptions = (ort: LoadedOrt) => ({
  executionProviders: ort.executionProviders,
  graphOptimizationLevel: 'all' as const,
  extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
});

/** onnxruntime and the digits, loaded once per worker. */
function loadBase(assetBase: URL, prefer?: 'wasm' | 'webgpu') {
  base ??= Promise.all([loadOrt(new URL('ort/', assetBase), { prefer }), loadData(assetBase)]).then(([ort, data]) => ({ ort, data }));
  return base;
}
const elapsed = (r: Run) => (performance.now() - r.startedAt - r.pausedFor) / 1000;

async function start(request: Extract<TrainRequest, { type: 'start' }>): Promise<void> {
  const assetBase = new URL(request.assetBase);
  post({ type: 'status', text: 'Loading onnxruntime and 10,000 MNIST digits…' });
  const { ort, data } = await loadBase(assetBase, request.prefer);
  const model = lessonModel(request.model);
  const sessionOptions = trainingSessionOptions(ort);
  post({ type: 'status', text: 'Fitting PCA (code 32), the baseline…' });
  const pca = await fitLessonPca(ort.ort, data.train, 32, request.seed);
  const pcaMse = meanSquaredError(pca.reconstruct(data.validation.images), data.validation.images);
  const threads = ort.ort.env.wasm.numThreads ?? 1;
  const backend = ort.executionProviders[0] === 'webgpu' ? 'WebGPU' : `wasm, ${threads} thread${threads === 1 ? '' : 's'}`;
  run = { ort, data, model, seed: request.seed, pcaMse, startedAt: performance.now(), pausedFor: 0, metrics: { backend, pcaValidationMse: pcaMse } };
  const samples = samplesOf(data);
  if (model.kind === 'pca') {
    run.pca = pca;
    post({ type: 'ready', backend, pcaValidationMse: pcaMse, trainImages: data.train.count, validationImages: data.validation.count, samples, stepsPerEpoch: 0 });
    post({ type: 'evaluation', step: 0, seconds: elapsed(run), validationMse: pcaMse, reconstructions: pca.reconstruct(samples) });
    run.metrics.validationMse = pcaMse;
    post({ type: 'finished', reason: 'PCA is fitted in one go: no steps to take.' });
    return;
  }
  post({ type: 'status', text: `Building ${model.title}'s training graph…` });
  run.trainer = await NetworkTrainer.create(ort.ort, model, data.train, { seed: request.seed, sessionOptions });
  run.startedAt = performance.now();
  post({ type: 'ready', backend, pcaValidationMse: pcaMse, trainImages: data.train.count, validationImages: data.validation.count, samples, stepsPerEpoch: Math.ceil(data.train.count / model.batch) });
  await trainLoop(run, run.trainer, request.maxSteps ?? Math.ceil((DEFAULT_MAX_EPOCHS * data.train.count) / model.batch));
}

async function evaluate(r: Run, trainer: NetworkTrainer): Promise<void> {
  const validation = r.data.validation.images;
  const reconstructed = await trainer.reconstruct(validation);
  const validationMse = meanSquaredError(reconstructed, validation);
  r.metrics.validationMse = validationMse;
  const reconstructions = pick(reconstructed, r.data.validation.count);
  post({ type: 'evaluation', step: trainer.steps, seconds: elapsed(r), validationMse, reconstructions }, [reconstructions.buffer]);
}

async function trainLoop(r: Run, trainer: NetworkTrainer, maxSteps: number): Promise<void> {
  let pending: Record<string, number>[] = [];
  let lastProgress = performance.now();
  let lastEvaluation = lastProgress;
  // Images per second of stepping alone: evaluations and pauses are left out of the rate.
  let window = { stepSeconds: 0, step: 0 };
  while (trainer.steps < maxSteps) {
    if (paused) {
      const pausedAt = performance.now();
      await new Promise<void>((resolve) => (wake = resolve));
      r.pausedFor += performance.now() - pausedAt;
    }
    const before = performance.now();
    pending.push(Object.fromEntries(await trainer.step()));
    const now = performance.now();
    window.stepSeconds += (now - before) / 1000;
    if (now - lastProgress >= PROGRESS_MS || trainer.steps === maxSteps) {
      const imagesPerSecond = ((trainer.steps - window.step) * trainer.model.batch) / Math.max(1e-6, window.stepSeconds);
      post({ type: 'progress', step: trainer.steps, epoch: trainer.epochs, seconds: elapsed(r), imagesPerSecond, losses: pending });
      pending = [];
      lastProgress = now;
      if (window.stepSeconds > 5) window = { stepSeconds: 0, step: trainer.steps };
      // onnxruntime-web's wasm runs settle as microtasks, so without this the loop would never let a message in.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    if (now - lastEvaluation >= EVALUATION_MS || trainer.steps === maxSteps) {
      await evaluate(r, trainer);
      lastEvaluation = performance.now();
    }
  }
  r.metrics.steps = trainer.steps;
  r.metrics.trainingSeconds = Math.round(elapsed(r) * 10) / 10;
  post({ type: 'finished', reason: `Stopped after ${trainer.steps} steps (${trainer.epochs.toFixed(1)} epochs).` });
}

async function exportFolder(id: string): Promise<void> {
  if (!run) throw new Error('Nothing is trained yet.');
  const r = run;
  const graphs = r.trainer ? r.trainer.graphs() : r.pca!.graphs();
  r.metrics.trainingSeconds ??= Math.round(elapsed(r) * 10) / 10;
  if (r.trainer) r.metrics.steps = r.trainer.steps;
  post({ type: 'status', text: 'Encoding the training digits and writing the model folder…' });
  const { files } = await lessonModelFolder(r.ort.ort, { id, title: r.model.title, kind: r.model.kind, ...graphs, metrics: r.metrics, seed: r.seed }, r.data.train);
  const zip = zipSync(Object.fromEntries(files.map((f) => [`${id}/${f.path}`, f.bytes])));
  post({ type: 'exported', fileName: `${id}.zip`, zip, files: files.map((f) => f.path) }, [zip.buffer]);
}

/** A model folder from a zip, run on the validation digits: what the visitor exported loads back. */
async function open(request: Extract<TrainRequest, { type: 'open' }>): Promise<void> {
  const model = await loadZippedModel(request.zip);
  const { ort, data } = await loadBase(new URL(request.assetBase), request.prefer);
  const { channels, height, width } = model.manifest.input;
  if (channels !== 1 || height !== 28 || width !== 28) throw new Error(`${model.manifest.id} takes ${channels}×${height}×${width} images; the digits here are 1×28×28.`);
  const sessionOptions = trainingSessionOptions(ort);
  const dim = model.manifest.latent.dim;
  const codes = await runRows(ort.ort, model.encoder, data.validation.images, data.validation.shape, sessionOptions);
  const reconstructed = await runRows(ort.ort, model.decoder, codes, [dim], sessionOptions);
  const samples = samplesOf(data);
  post({ type: 'opened', id: model.manifest.id, title: model.manifest.title, dim, validationMse: meanSquaredError(reconstructed, data.validation.images), samples, reconstructions: pick(reconstructed, data.validation.count) });
}

scope.onmessage = ({ data }: MessageEvent<TrainRequest>) => {
  const fail = (error: unknown) => post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  if (data.type === 'start') start(data).catch(fail);
  else if (data.type === 'pause') paused = true;
  else if (data.type === 'resume') {
    paused = false;
    wake?.();
    wake = undefined;
  } else if (data.type === 'export') exportFolder(data.id).catch(fail);
  else if (data.type === 'open') open(data).catch((error: unknown) => post({ type: 'error', about: 'open', message: error instanceof Error ? error.message : String(error) }));
};
