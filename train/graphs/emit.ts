import type { LayerInfo, ModelShapes } from '../model/shapes.ts';
import { layerRule } from '../layers/table.ts';
import type { Batch, LayerContext, RandomInput } from '../layers/types.ts';
import type { Program } from './program.ts';

export interface EmitOptions {
  batch: Batch;
  training: boolean;
  /** Parameter name -> graph value holding it (graph input or initializer). */
  paramValue: (name: string) => string;
  /** Declares a training graph's random input; inference graphs never call it. */
  declareRandom?: (input: RandomInput) => string;
}

function layerContext(program: Program, info: LayerInfo, x: string, options: EmitOptions): LayerContext {
  return {
    info,
    batch: options.batch,
    params: info.params.map((p) => options.paramValue(p.name)),
    training: options.training,
    needInputGrad: program.needsGradient(x),
    randomInput(suffix, kind, extra = {}) {
      if (!options.declareRandom || typeof options.batch !== 'number') throw new Error(`${info.label}: random inputs exist only in training graphs`);
      return options.declareRandom({ name: `${info.key}.${suffix}`, shape: [options.batch, ...info.inShape], kind, ...extra });
    },
  };
}

/** Emits one layer from its row of the layer table and puts it on the program's tape. */
export function emitLayer(program: Program, info: LayerInfo, x: string, options: EmitOptions): string {
  const rule = layerRule(info.layer);
  const ctx = layerContext(program, info, x, options);
  const { y, saved } = rule.forward(program.g, x, info.layer, ctx);
  program.add({
    label: info.label,
    inputs: [x],
    outputs: [y],
    params: ctx.params,
    backward([dy], [needInput]) {
      const { dx, dParams } = rule.backward(program.g, dy!, info.layer, saved, { ...ctx, needInputGrad: needInput });
      return { dInputs: [dx], dParams };
    },
  });
  return y;
}

/** Emits a sequence of layers; returns the last one's output. */
export function emitLayers(program: Program, infos: LayerInfo[], x: string, options: EmitOptions): string {
  return infos.reduce((value, info) => emitLayer(program, info, value, options), x);
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
