import type { LayerInfo, ModelShapes } from '../model/shapes.ts';
import type { GraphBuilder } from '../onnx/graph.ts';
import { layerRule } from '../layers/table.ts';
import type { Batch, LayerContext, RandomInput, Saved } from '../layers/types.ts';

export interface ForwardRecord {
  info: LayerInfo;
  ctx: LayerContext;
  y: string;
  saved: Saved;
}

export interface SectionOptions {
  batch: Batch;
  training: boolean;
  /** Parameter name -> graph value holding it (graph input or initializer). */
  paramValue: (name: string) => string;
  /** Declares a training graph's random input; inference graphs never call it. */
  declareRandom?: (input: RandomInput) => string;
  /** Whether a layer's backward must produce d loss / d input. */
  needInputGrad?: (info: LayerInfo) => boolean;
}

export function layerContext(g: GraphBuilder, info: LayerInfo, options: SectionOptions): LayerContext {
  return {
    info,
    batch: options.batch,
    params: info.params.map((p) => options.paramValue(p.name)),
    training: options.training,
    needInputGrad: options.needInputGrad?.(info) ?? true,
    randomInput(suffix, kind, extra = {}) {
      if (!options.declareRandom || typeof options.batch !== 'number') throw new Error(`${info.label}: random inputs exist only in training graphs`);
      return options.declareRandom({ name: `${info.key}.${suffix}`, shape: [options.batch, ...info.inShape], kind, ...extra });
    },
  };
}

/** Emits the forward pass of a list of layers, keeping what each backward needs. */
export function forwardSection(g: GraphBuilder, infos: LayerInfo[], x: string, options: SectionOptions, onLayer?: (record: ForwardRecord) => void) {
  const records: ForwardRecord[] = [];
  let value = x;
  for (const info of infos) {
    const ctx = layerContext(g, info, options);
    const { y, saved } = layerRule(info.layer).forward(g, value, info.layer, ctx);
    const record = { info, ctx, y, saved };
    records.push(record);
    onLayer?.(record);
    value = y;
  }
  return { y: value, records };
}

export const vaeParamValues = (shapes: ModelShapes, paramValue: (name: string) => string) => {
  const vae = shapes.vae!;
  return {
    meanWeight: paramValue(vae.mean.weight.name),
    meanBias: paramValue(vae.mean.bias.name),
    logvarWeight: paramValue(vae.logvar.weight.name),
    logvarBias: paramValue(vae.logvar.bias.name),
  };
};
