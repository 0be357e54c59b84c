import type { GraphBuilder } from '../onnx/graph.ts';

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
