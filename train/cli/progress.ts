import cliProgress from 'cli-progress';

export interface ProgressUpdate {
  epoch: number;
  step: number;
  loss: number;
  imagesPerSecond: number;
}

/**
 * The training progress bar: epoch, step, smoothed loss, images/s and ETA over the whole run. Written to
 * stderr; when stderr is not a terminal (nohup logs) it prints a line every few seconds instead.
 */
export class TrainingProgress {
  private readonly bar: cliProgress.SingleBar;

  constructor(
    totalSteps: number,
    startStep: number,
    private readonly epochs: number,
    stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.bar = new cliProgress.SingleBar(
      {
        format: 'epoch {epoch}/{epochs} |{bar}| step {value}/{total} | loss {loss} | {speed} img/s | ETA {eta_formatted}',
        stream,
        noTTYOutput: true,
        notTTYSchedule: 5000,
        etaBuffer: 50,
        fps: 5,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(totalSteps, startStep, { epoch: 1, epochs, loss: '-', speed: '-' });
  }

  update(u: ProgressUpdate): void {
    this.bar.update(u.step, {
      epoch: u.epoch,
      epochs: this.epochs,
      loss: u.loss.toPrecision(4),
      speed: Math.round(u.imagesPerSecond).toString(),
    });
  }

  stop(): void {
    this.bar.stop();
  }
}
