import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { estimateRunWork, LATER_STAGES, RunProgress } from './progress.ts';

const TINY = join(import.meta.dirname, 'fixtures', 'tiny-digits.json');

describe('whole-run progress', () => {
  it('counts the stages after training, the judge only when there is one', () => {
    const config = loadConfig(TINY);
    const work = estimateRunWork(config, 128, 32, 1000);
    expect(work.training).toBe(1000);
    for (const stage of LATER_STAGES) expect(work.later[stage]).toBeGreaterThan(0);
    const withoutJudge = estimateRunWork(loadConfig(TINY, { judge: null, pretraining: null }), 128, 32, 1000);
    expect(withoutJudge.later.judge).toBe(0);
    expect(withoutJudge.later.evaluate).toBe(work.later.evaluate);
  });

  it('shows the stage it is in and an ETA of the whole run', () => {
    const stream = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
    let written = '';
    (stream as unknown as PassThrough).on('data', (chunk: Buffer) => (written += chunk.toString()));
    const progress = new RunProgress({ training: 100, later: { evaluate: 10, attributes: 10, judge: 50, report: 30 } }, 2, stream);
    progress.training(50, { epoch: 1, step: 5, loss: 0.5, imagesPerSecond: 10 });
    progress.stage('judge');
    progress.stop(true);
    expect(written).toMatch(/ETA .* \(whole run\)/);
    expect(written).toContain('done |');
    expect(written).toContain('100%');
  });
});
