import type { GraphBuilder } from '../onnx/graph.ts';
import type { Program } from '../graphs/program.ts';
import { affineBackward, affineForward } from './linear.ts';

export interface VaeParams {
  meanWeight: string;
  meanBias: string;
  logvarWeight: string;
  logvarBias: string;
}

/** The code at inference: the posterior mean. */
export function vaeMean(g: GraphBuilder, features: string, p: VaeParams): string {
  return affineForward(g, features, p.meanWeight, p.meanBias);
}

/**
 * Training forward of the VAE head: z = mean + exp(logvar / 2) * eps with eps ~ N(0, I) fed in, and
 * KL(q(z|x) || N(0, I)) summed over the latent dimensions, averaged over the batch, times `klWeight`.
 */
export function vaeForward(g: GraphBuilder, features: string, p: VaeParams, eps: string, batch: number, klWeight: number) {
  const mean = affineForward(g, features, p.meanWeight, p.meanBias);
  const logvar = affineForward(g, features, p.logvarWeight, p.logvarBias);
  const std = g.op('Exp', [g.op('Mul', [logvar, g.scalar(0.5)])]);
  const variance = g.op('Mul', [std, std]);
  const z = g.op('Add', [mean, g.op('Mul', [std, eps])]);
  const terms = g.op('Sub', [g.op('Sub', [g.op('Add', [logvar, g.scalar(1)]), g.op('Mul', [mean, mean])]), variance]);
  const kl = g.op('Mul', [g.op('ReduceSum', [terms], { keepdims: 0 }), g.scalar((-0.5 * klWeight) / batch)]);
  return { z, kl, saved: { features, mean, std, variance, eps } };
}

export function vaeBackward(
  g: GraphBuilder,
  dz: string | undefined,
  saved: ReturnType<typeof vaeForward>['saved'],
  p: VaeParams,
  batch: number,
  klWeight: number,
  needInputGrad: boolean,
) {
  const klScale = klWeight / batch;
  // d kl / d mean = klScale * mean; d kl / d logvar = klScale * (exp(logvar) - 1) / 2; dz is absent when z reaches no loss.
  const klMean = g.op('Mul', [saved.mean, g.scalar(klScale)]);
  const klLogvar = g.op('Mul', [g.op('Sub', [saved.variance, g.scalar(1)]), g.scalar(klScale / 2)]);
  const dMean = dz ? g.op('Add', [dz, klMean]) : klMean;
  const dLogvar = dz ? g.op('Add', [g.op('Mul', [g.op('Mul', [dz, g.op('Mul', [saved.eps, saved.std])]), g.scalar(0.5)]), klLogvar]) : klLogvar;
  const meanGrads = affineBackward(g, dMean, saved.features, p.meanWeight, needInputGrad);
  const logvarGrads = affineBackward(g, dLogvar, saved.features, p.logvarWeight, needInputGrad);
  return {
    dFeatures: needInputGrad ? g.op('Add', [meanGrads.dx!, logvarGrads.dx!]) : undefined,
    dParams: [meanGrads.dWeight, meanGrads.dBias, logvarGrads.dWeight, logvarGrads.dBias],
  };
}

/**
 * The VAE head as a program node: features -> z, plus the `loss_kl` part. Its backward adds the KL
 * gradient to whatever reaches z, and hands the sum of both affine maps' input gradients on.
 */
export function addVaeHead(program: Program, features: string, p: VaeParams, eps: string, batch: number, klWeight: number): string {
  const head = vaeForward(program.g, features, p, eps, batch, klWeight);
  program.add({
    label: 'vae head',
    inputs: [features],
    outputs: [head.z],
    params: [p.meanWeight, p.meanBias, p.logvarWeight, p.logvarBias],
    losses: [{ name: 'loss_kl', value: head.kl }],
    backward([dz], [needInput]) {
      const grads = vaeBackward(program.g, dz, head.saved, p, batch, klWeight, needInput);
      return { dInputs: [grads.dFeatures], dParams: grads.dParams };
    },
  });
  return head.z;
}
