import type { GraphBuilder } from '../onnx/graph.ts';
import type { Program } from '../graphs/program.ts';

/** A scalar loss term and its gradient with respect to the tensor it was taken of. */
export interface LossTerm {
  value: string;
  grad: string;
}

/** Keras' epsilon: predictions are clamped to [eps, 1 - eps] before the logarithms. */
export const BCE_EPSILON = 1e-7;

const mean = (g: GraphBuilder, x: string) => g.op('ReduceMean', [x], { keepdims: 0 });

/** Mean over all elements (batch included) of the chosen reconstruction error. `count` is that element count. */
export function reconstructionLoss(g: GraphBuilder, kind: 'mse' | 'bce' | 'l1', prediction: string, target: string, count: number): LossTerm {
  switch (kind) {
    case 'mse': {
      const diff = g.op('Sub', [prediction, target]);
      return { value: mean(g, g.op('Mul', [diff, diff])), grad: g.op('Mul', [diff, g.scalar(2 / count)]) };
    }
    case 'l1': {
      const diff = g.op('Sub', [prediction, target]);
      return { value: mean(g, g.op('Abs', [diff])), grad: g.op('Mul', [g.op('Sign', [diff]), g.scalar(1 / count)]) };
    }
    case 'bce': {
      const clamped = g.op('Clip', [prediction, g.scalar(BCE_EPSILON), g.scalar(1 - BCE_EPSILON)]);
      const oneMinus = g.op('Sub', [g.scalar(1), clamped]);
      const logLikelihood = g.op('Add', [
        g.op('Mul', [target, g.op('Log', [clamped])]),
        g.op('Mul', [g.op('Sub', [g.scalar(1), target]), g.op('Log', [oneMinus])]),
      ]);
      const value = g.op('Neg', [mean(g, logLikelihood)]);
      // d/dp of -(t log p + (1 - t) log(1 - p)) = (p - t) / (p (1 - p)); zero where the clamp was active.
      const slope = g.op('Div', [g.op('Sub', [clamped, target]), g.op('Mul', [clamped, oneMinus])]);
      const grad = g.op('Where', [g.op('Equal', [clamped, prediction]), g.op('Mul', [slope, g.scalar(1 / count)]), g.scalar(0)]);
      return { value, grad };
    }
  }
}

/** weight * mean |activation| over all elements: the sparse-code penalty. */
export function sparsityPenalty(g: GraphBuilder, activation: string, weight: number, count: number): LossTerm {
  return {
    value: g.op('Mul', [mean(g, g.op('Abs', [activation])), g.scalar(weight)]),
    grad: g.op('Mul', [g.op('Sign', [activation]), g.scalar(weight / count)]),
  };
}

/** The reconstruction loss as a program node: `loss_reconstruction`, its gradient into the prediction. */
export function addReconstructionLoss(program: Program, kind: 'mse' | 'bce' | 'l1', prediction: string, target: string, count: number): void {
  const term = reconstructionLoss(program.g, kind, prediction, target, count);
  program.add({
    label: `reconstruction loss (${kind})`,
    inputs: [prediction, target],
    outputs: [],
    params: [],
    losses: [{ name: 'loss_reconstruction', value: term.value }],
    backward: () => ({ dInputs: [term.grad, undefined], dParams: [] }),
  });
}

/**
 * The sparse-code penalty as a program node reading any activation: the sweep adds its gradient to
 * whatever else reaches that activation, so the layer it watches needs no special wiring.
 */
export function addSparsityPenalty(program: Program, activation: string, weight: number, count: number): void {
  const term = sparsityPenalty(program.g, activation, weight, count);
  program.add({
    label: 'sparsity penalty',
    inputs: [activation],
    outputs: [],
    params: [],
    losses: [{ name: 'loss_sparsity', value: term.value }],
    backward: () => ({ dInputs: [term.grad], dParams: [] }),
  });
}

/**
 * A classifier's loss on its logits [batch, K] against `labels` (0/1 per label, or one-hot for a class).
 * sigmoid: stable BCE on logits, max(z, 0) - z y + log(1 + exp(-|z|)), mean over batch and labels; its
 * gradient is (sigmoid(z) - y) / (batch K). softmax: -sum(y log softmax(z)) / batch; gradient (softmax(z) - y) / batch.
 */
export function addClassifierLoss(program: Program, head: 'sigmoid' | 'softmax', logits: string, labels: string, batch: number, classes: number): void {
  const { g } = program;
  let value: string;
  let grad: string;
  if (head === 'sigmoid') {
    const perLabel = g.op('Add', [
      g.op('Sub', [g.op('Relu', [logits]), g.op('Mul', [logits, labels])]),
      g.op('Log', [g.op('Add', [g.scalar(1), g.op('Exp', [g.op('Neg', [g.op('Abs', [logits])])])])]),
    ]);
    value = mean(g, perLabel);
    grad = g.op('Mul', [g.op('Sub', [g.op('Sigmoid', [logits]), labels]), g.scalar(1 / (batch * classes))]);
  } else {
    const logProbabilities = g.op('LogSoftmax', [logits], { axis: -1 });
    value = g.op('Mul', [g.op('ReduceSum', [g.op('Mul', [labels, logProbabilities])], { keepdims: 0 }), g.scalar(-1 / batch)]);
    grad = g.op('Mul', [g.op('Sub', [g.op('Softmax', [logits], { axis: -1 }), labels]), g.scalar(1 / batch)]);
  }
  program.add({
    label: `${head} classifier loss`,
    inputs: [logits, labels],
    outputs: [],
    params: [],
    losses: [{ name: 'loss', value }],
    backward: () => ({ dInputs: [grad, undefined], dParams: [] }),
  });
}
