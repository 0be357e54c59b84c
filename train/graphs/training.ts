import { inferShapes, type LayerInfo } from '../model/shapes.ts';
import type { ModelSpec } from '../model/spec.ts';
import { GraphBuilder } from '../onnx/graph.ts';
import { assertValidModel } from '../onnx/check.ts';
import { layerRule } from '../layers/table.ts';
import { reconstructionLoss, sparsityPenalty } from '../layers/losses.ts';
import type { RandomInput } from '../layers/types.ts';
import { vaeBackward, vaeForward } from '../layers/vae.ts';
import { forwardSection, vaeParamValues, type ForwardRecord, type SectionOptions } from './stages.ts';

export type { RandomInput } from '../layers/types.ts';

/** One training step as an ONNX graph: forward, loss and every parameter gradient, in standard ops. */
export interface TrainingGraph {
  bytes: Uint8Array;
  /** Graph inputs (float32), fed the current weights each step. */
  params: { name: string; shape: number[] }[];
  /** Output name of d loss / d params[i]. */
  gradients: string[];
  image: { name: 'image'; shape: number[] };
  /** Fresh randomness to feed each step (see RandomInput for what each kind means). */
  randomInputs: RandomInput[];
  /** Scalar outputs: `total` = the sum of the weighted `parts`. */
  losses: { total: 'loss'; parts: string[] };
}

const PART_ORDER = ['loss_reconstruction', 'loss_sparsity', 'loss_kl'];
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

export function buildTrainingGraph(spec: ModelSpec, { batch }: { batch: number }): TrainingGraph {
  if (!Number.isInteger(batch) || batch < 1) throw new Error(`batch must be a positive integer, got ${batch}`);
  const shapes = inferShapes(spec);
  const g = new GraphBuilder(`${spec.name}_training`);
  const imageShape = [batch, ...spec.input];
  const image = g.input('image', 'float32', imageShape);
  for (const p of shapes.params) g.input(p.name, 'float32', p.shape);

  const randomInputs: RandomInput[] = [];
  const declareRandom = (input: RandomInput) => {
    randomInputs.push(input);
    return g.input(input.name, 'float32', input.shape);
  };
  // Backward stops at the first layer with parameters: below it no gradient is wanted.
  const stages: (LayerInfo | 'vae')[] = [...shapes.encoder, ...(shapes.vae ? ['vae' as const] : []), ...shapes.decoder];
  const firstTrainable = stages.findIndex((s) => (s === 'vae' ? true : s.params.length > 0));
  const needInputGrad = (info: LayerInfo) => stages.indexOf(info) > firstTrainable;
  const options: SectionOptions = { batch, training: true, paramValue: (name) => name, declareRandom, needInputGrad };

  const parts: { name: string; value: string }[] = [];
  const extraGrads = new Map<LayerInfo, string>();
  const sparsity = spec.loss.sparsity;
  const onLayer = (record: ForwardRecord) => {
    if (!sparsity || record.info !== shapes.sparsityLayer) return;
    const term = sparsityPenalty(g, record.y, sparsity.weight, batch * size(record.info.outShape));
    parts.push({ name: 'loss_sparsity', value: term.value });
    extraGrads.set(record.info, term.grad);
  };

  const encoder = forwardSection(g, shapes.encoder, image, options, onLayer);
  let code = encoder.y;
  let vae: ReturnType<typeof vaeForward> | undefined;
  const vaeParams = shapes.vae ? vaeParamValues(shapes, (name) => name) : undefined;
  if (shapes.vae && vaeParams) {
    const eps = declareRandom({ name: 'vae.eps', shape: [batch, shapes.latentDim], kind: 'normal', std: 1 });
    vae = vaeForward(g, code, vaeParams, eps, batch, spec.loss.klWeight);
    code = vae.z;
    parts.push({ name: 'loss_kl', value: vae.kl });
  }
  const decoder = forwardSection(g, shapes.decoder, code, options, onLayer);
  g.output(g.rename(decoder.y, 'reconstruction'), 'float32', imageShape);

  const reconstruction = reconstructionLoss(g, spec.loss.reconstruction, decoder.y, image, size(imageShape));
  parts.unshift({ name: 'loss_reconstruction', value: reconstruction.value });
  parts.sort((a, b) => PART_ORDER.indexOf(a.name) - PART_ORDER.indexOf(b.name));
  for (const part of parts) g.output(g.rename(part.value, part.name), 'float32', []);
  g.output(g.op('Sum', parts.map((p) => p.value), {}, 'loss'), 'float32', []);

  const grads = new Map<string, string>();
  const backward = (records: ForwardRecord[], dy: string | undefined) => {
    for (let i = records.length - 1; i >= 0 && dy !== undefined; i--) {
      const { info, ctx, saved } = records[i];
      if (stages.indexOf(info) < firstTrainable) return undefined;
      const extra = extraGrads.get(info);
      if (extra) dy = g.op('Add', [dy, extra]);
      const { dx, dParams } = layerRule(info.layer).backward(g, dy, info.layer, saved, ctx);
      info.params.forEach((p, k) => grads.set(p.name, dParams[k]));
      dy = dx;
    }
    return dy;
  };
  let dCode = backward(decoder.records, reconstruction.grad);
  if (vae && vaeParams && shapes.vae && dCode) {
    const head = vaeBackward(g, dCode, vae.saved, vaeParams, batch, spec.loss.klWeight, stages.indexOf('vae') > firstTrainable);
    const { mean, logvar } = shapes.vae;
    [mean.weight, mean.bias, logvar.weight, logvar.bias].forEach((p, k) => grads.set(p.name, head.dParams[k]));
    dCode = head.dFeatures;
  }
  backward(encoder.records, dCode);

  const gradients = shapes.params.map((p) => {
    const grad = grads.get(p.name);
    if (!grad) throw new Error(`internal: no gradient was emitted for ${p.name}`);
    return g.output(g.rename(grad, `${p.name}.grad`), 'float32', p.shape);
  });

  const bytes = g.serialize();
  assertValidModel(bytes, `training graph of ${spec.name}`);
  return {
    bytes,
    params: shapes.params.map(({ name, shape }) => ({ name, shape })),
    gradients,
    image: { name: 'image', shape: imageShape },
    randomInputs,
    losses: { total: 'loss', parts: parts.map((p) => p.name) },
  };
}
