import cliProgress from 'cli-progress';
import type { TrainConfig } from './config.ts';

export interface ProgressUpdate {
  epoch: number;
  step: number;
  loss: number;
  imagesPerSecond: number;
}

/** The stages after training, in run order, whose cost the whole-run ETA includes. */
export const LATER_STAGES = ['evaluate', 'attributes', 'judge', 'report'] as const;
export type LaterStage = (typeof LATER_STAGES)[number];

/** Work in training-image equivalents: one image through one training step of the autoencoder. */
export interface RunWork {
  training: number;
  later: Record<LaterStage, number>;
}

// Rough costs relative to one autoencoder training image, from `npm run bench:train` (train/infer 0.17-0.25):
// an inference pass through encoder and decoder, and a training image of a classifier about the encoder's size.
const INFERENCE = 0.2;
const CLASSIFIER_STEP = 0.5;

/**
 * Estimates what the run still has to do, so the ETA covers evaluation, the judge and the report too.
 * The estimate is coarse (stage costs are modelled, not measured), but it is in the same unit as
 * training, so the bar's rate over the training steps turns it into time.
 */
export function estimateRunWork(config: TrainConfig, trainCount: number, validationCount: number, trainingImagesLeft: number): RunWork {
  const judge = config.judge;
  const edits = judge ? (config.edits.attributes?.length ?? judge.attributes?.length ?? 3) * config.edits.strengths.length * Math.min(config.edits.maxImages, validationCount) : 0;
  const pretraining = config.pretraining;
  // Three classifiers per label fraction (scratch, fine-tuned, frozen), batch 32, at least minSteps each.
  const pretrainingImages = pretraining
    ? pretraining.labelFractions.reduce((sum, f) => sum + 3 * 32 * Math.max(pretraining.minSteps, (pretraining.epochs * f * trainCount) / 32), 0)
    : 0;
  return {
    training: trainingImagesLeft,
    later: {
      evaluate: validationCount * INFERENCE * 3,
      attributes: trainCount * INFERENCE * 0.5,
      judge: (judge ? judge.epochs * trainCount * CLASSIFIER_STEP + edits * INFERENCE * 2 : 0) + pretrainingImages * CLASSIFIER_STEP,
      report: Math.min(trainCount, 4000) * INFERENCE * 0.5 + config.report.images * 20,
    },
  };
}

/**
 * One bar for the whole run: training steps, then each later stage, with the ETA of all of it. Written to
 * stderr; when stderr is not a terminal (nohup logs) it prints a line every few seconds instead.
 */
export class RunProgress {
  // A MultiBar holding one bar, for its `log`: log lines printed while the bar is shown go above it.
  private readonly multi: cliProgress.MultiBar;
  private readonly bar: cliProgress.SingleBar;
  private readonly stageStart: Record<LaterStage, number>;
  private readonly total: number;
  private stopped = false;

  constructor(
    private readonly work: RunWork,
    private readonly epochs: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.multi = new cliProgress.MultiBar(
      {
        format: '{stage} |{bar}| {percentage}% | epoch {epoch}/{epochs} | loss {loss} | {speed} img/s | ETA {eta_formatted} (whole run)',
        stream,
        noTTYOutput: true,
        notTTYSchedule: 5000,
        etaBuffer: 50,
        fps: 5,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let offset = work.training;
    this.stageStart = Object.fromEntries(LATER_STAGES.map((s) => [s, (offset += work.later[s]) - work.later[s]])) as Record<LaterStage, number>;
    this.total = offset;
    this.bar = this.multi.create(Math.max(1, Math.round(this.total)), 0, { stage: 'training', epoch: '-', epochs, loss: '-', speed: '-' });
  }

  /** After a training step; `imagesDone` counts this session's training images. */
  training(imagesDone: number, u: ProgressUpdate): void {
    this.bar.update(Math.round(imagesDone), { stage: 'training', epoch: u.epoch, epochs: this.epochs, loss: u.loss.toPrecision(4), speed: Math.round(u.imagesPerSecond).toString() });
  }

  /** A later stage begins: the bar moves to where the estimate puts its start. */
  stage(name: LaterStage): void {
    this.bar.update(Math.round(this.stageStart[name]), { stage: name, speed: '-' });
  }

  /** Prints a log line above the bar on a terminal; elsewhere the bar prints whole lines itself, so `fallback` writes it. */
  log(line: string, fallback: (line: string) => void): void {
    if (this.stream.isTTY) this.multi.log(`${line}\n`);
    else fallback(line);
  }

  /** Ends the bar; `complete` fills it (the run finished), else it stays where the run stopped. */
  stop(complete = false): void {
    if (this.stopped) return;
    this.stopped = true;
    if (complete) this.bar.update(Math.round(this.total), { stage: 'done' });
    // A redraw first: it prints the log lines still buffered, which stopping alone would drop.
    this.multi.update();
    this.multi.stop();
  }
}
