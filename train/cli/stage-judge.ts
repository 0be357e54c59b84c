import { runPretrainingExperiment } from '../experiments/pretraining.ts';
import { predictWithGraph } from '../judge/classifier.ts';
import { calibrationImages, checkEdit } from '../judge/edits.ts';
import { trainJudge, type TrainedJudge } from '../judge/judge.ts';
import type { AttributeEditResult, PretrainingFigures } from '../report/report.ts';
import type { AttributesStage } from './stage-attributes.ts';
import type { DataStage, RunContext } from './stage-data.ts';
import type { EvaluateStage } from './stage-evaluate.ts';
import type { FitStage } from './stage-fit.ts';

export interface JudgeStage {
  judge?: TrainedJudge;
  editResults: Record<string, AttributeEditResult>;
  keepResults: Record<string, AttributeEditResult>;
  pretraining?: PretrainingFigures;
}

const percent = (rate: number) => `${(100 * rate).toFixed(1)}%`;

function logEdit(log: RunContext['log'], attribute: string, r: AttributeEditResult, limits: { targetFlip: number; maxOtherChange: number }): void {
  const missed = [r.flipRate < limits.targetFlip && 'flips', r.otherChangeRate > limits.maxOtherChange && 'side effects'].filter(Boolean);
  log(
    `edit ${attribute}: strength ${r.strength}, flips ${percent(r.flipRate)} of ${r.judgedNegatives}, other decisions changed ${percent(r.otherChangeRate)}` +
      ` (most: ${r.worstOtherAttribute} ${percent(r.worstOtherChangeRate)}; images with any: ${percent(r.anyOtherChangeRate)})` +
      (missed.length ? ` (target missed: ${missed.join(', ')})` : ''),
  );
}

/**
 * Stage 6: the judge (an attribute classifier), the check of every attribute edit against it (which sets
 * each vector's suggested strength, also for detail=keep on face models), and the pretraining experiment.
 */
export async function judgeStage(ctx: RunContext, { data, train, validation, attributes }: DataStage, fit: FitStage, { codec }: EvaluateStage, { vectors }: AttributesStage): Promise<JudgeStage> {
  const { config, spec, log } = ctx;
  const seed = config.training?.seed ?? 1;
  const editResults: Record<string, AttributeEditResult> = {};
  const keepResults: Record<string, AttributeEditResult> = {};
  let judge: TrainedJudge | undefined;
  if (config.judge) {
    const judgeAttributes = config.judge.attributes ?? attributes;
    log(`training the judge on ${judgeAttributes.length} attributes`);
    judge = await trainJudge(train, validation, judgeAttributes, { epochs: config.judge.epochs, batch: config.judge.batchSize, lr: config.judge.lr, seed, device: config.device });
    const judgeBytes = judge.bytes;
    const judgeFn = (images: Float32Array, count: number) => predictWithGraph(judgeBytes, images, count, train.shape, config.device);
    const calibration = calibrationImages(train, validation.count);
    for (const attribute of (config.edits.attributes ?? judgeAttributes).filter((a) => vectors[a])) {
      const vector = Float32Array.from(vectors[attribute].vector);
      const r = await checkEdit({ codec, judge: judgeFn, judgeAttributes }, calibration, validation, attribute, vector, config.edits);
      vectors[attribute].suggestedRange = [-r.strength, r.strength];
      editResults[attribute] = r;
      if (data.input.face) {
        const kept = await checkEdit({ codec, judge: judgeFn, judgeAttributes }, calibration, validation, attribute, vector, { ...config.edits, detail: 'keep' });
        vectors[attribute].keep = { suggestedRange: [-kept.strength, kept.strength] };
        keepResults[attribute] = kept;
        log(`edit ${attribute} with detail kept: strength ${kept.strength}, flips ${percent(kept.flipRate)}, other decisions changed ${percent(kept.otherChangeRate)}`);
      }
      logEdit(log, attribute, r, config.edits);
    }
  }
  const pretraining =
    config.pretraining && spec && fit.outcome
      ? await runPretrainingExperiment(spec, fit.outcome.params, train, validation, { ...config.pretraining, seed, device: config.device })
      : undefined;
  for (const row of pretraining?.rows ?? []) {
    log(
      `pretraining, ${(100 * row.labelFraction).toFixed(0)}% labels: scratch ${percent(row.scratchAccuracy)}, ` +
        `fine-tuned encoder ${percent(row.pretrainedAccuracy)}, frozen encoder ${percent(row.frozenAccuracy)}`,
    );
  }
  return { judge, editResults, keepResults, pretraining };
}
