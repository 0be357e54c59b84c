import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { BCE_EPSILON } from '../../layers/losses.ts';
import type { LossSpec } from '../../model/spec.ts';
import type { Tfjs } from './backend.ts';
import type { TrainingOutputs } from './model.ts';

/** Loss terms named as the training graph's outputs, so both engines report the same `parts`. */
export interface LossTerms {
  total: Scalar;
  parts: Record<string, Scalar>;
}

/**
 * The training graph's loss (train/layers/losses.ts, train/layers/vae.ts) in tfjs ops, term by term with
 * the same mean/sum conventions. |x| is written x * sign(x): tfjs' abs has slope -1 at 0, while the ONNX
 * gradient uses Sign (0 at 0), and a ReLU code is exactly 0 often enough for that to show.
 */
export function trainingLoss(tf: Tfjs, loss: LossSpec, outputs: TrainingOutputs, images: Tensor): LossTerms {
  const abs = (x: Tensor) => tf.mul(x, tf.sign(x));
  const prediction = outputs.reconstruction;
  const parts: Record<string, Scalar> = {};

  switch (loss.reconstruction) {
    case 'mse':
      parts.loss_reconstruction = tf.mean(tf.square(tf.sub(prediction, images)));
      break;
    case 'l1':
      parts.loss_reconstruction = tf.mean(abs(tf.sub(prediction, images)));
      break;
    case 'bce': {
      const clamped = tf.clipByValue(prediction, BCE_EPSILON, 1 - BCE_EPSILON);
      const logLikelihood = tf.add(tf.mul(images, tf.log(clamped)), tf.mul(tf.sub(1, images), tf.log(tf.sub(1, clamped))));
      parts.loss_reconstruction = tf.neg(tf.mean(logLikelihood)) as Scalar;
      break;
    }
  }

  const { mean, logvar } = outputs;
  if (mean && logvar) {
    // KL(q(z|x) || N(0, I)): summed over latent dimensions, averaged over the batch, times klWeight.
    const terms = tf.sub(tf.sub(tf.add(logvar, 1), tf.square(mean)), tf.exp(logvar));
    parts.loss_kl = tf.mul(tf.sum(terms), (-0.5 * loss.klWeight) / mean.shape[0]);
  }

  const sparsity = loss.sparsity;
  if (sparsity) {
    const activation = outputs.activations.get(sparsity.layer);
    if (!activation) throw new Error(`loss.sparsity.layer: no activation named "${sparsity.layer}" was computed`);
    parts.loss_sparsity = tf.mul(tf.mean(abs(activation)), sparsity.weight);
  }

  return { total: tf.addN(Object.values(parts)) as Scalar, parts };
}
