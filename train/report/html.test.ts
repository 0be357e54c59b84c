import { describe, expect, it } from 'vitest';
import { lineChartSvg } from './chart.ts';
import { renderReportHtml } from './html.ts';
import { imageGrid, pngDataUri } from './pictures.ts';
import type { Report } from './report.ts';

const report: Report = {
  id: 'demo',
  title: 'Demo <model>',
  kind: 'autoencoder',
  config: 'train/configs/demo.json',
  engine: 'ort',
  device: 'cpu',
  data: { name: 'synthetic', trainImages: 10, validationImages: 2, shape: [1, 2, 2] },
  codeSize: 2,
  parameters: 42,
  training: { epochs: 2, plannedEpochs: 2, steps: 4, batchSize: 5, seconds: 1, imagesPerSecond: 20, resumedFromStep: 0, curve: [
    { epoch: 1, step: 2, trainLoss: 0.1, validationMse: 0.09, seconds: 0.5 },
    { epoch: 2, step: 4, trainLoss: 0.05, validationMse: 0.06, seconds: 1 },
  ] },
  validation: { model: { mse: 0.06, psnr: 12.2 }, pca: { mse: 0.08, psnr: 11 }, mseRatioToPca: 0.75, exported: { mse: 0.06, psnr: 12.2, float16: false } },
  attributes: { odd: { strength: 1.5, judgedNegatives: 0, flipRate: Number.NaN, otherChangeRate: Number.NaN, worstOtherChangeRate: Number.NaN, worstOtherAttribute: null, anyOtherChangeRate: Number.NaN, flipRateByStrength: [] } },
  files: {},
};

describe('report.html', () => {
  it('is one self-contained page: escaped text, inline pictures and chart, n/a for unmeasured rates', () => {
    const grid = pngDataUri(imageGrid([[Float32Array.of(0, 0.5, 1, 0.25), null]], { channels: 1, height: 2, width: 2 }, 2));
    const html = renderReportHtml(report, { reconstructions: grid, edits: [{ attribute: 'odd', strengths: [0, 1.5], uri: grid }] }, 'from <CelebA>');
    expect(html).toContain('Demo &lt;model&gt;');
    expect(html).toContain('from &lt;CelebA&gt;');
    expect(html).toContain('<img src="data:image/png;base64,');
    expect(html).toContain('<svg');
    expect(html).toMatch(/<td>odd<\/td><td>1\.5<\/td><td>0<\/td><td>n\/a<\/td><td>n\/a<\/td>/);
    expect(html).not.toMatch(/(src|href)="(?!data:)/);
  });

  it('draws a log-scaled chart and survives an empty series', () => {
    const svg = lineChartSvg([{ label: 'loss', color: '#000', points: [[1, 0.1], [2, 0.01]] }], { title: 't', xLabel: 'x', yLabel: 'y' });
    expect(svg).toContain('(log)');
    expect(svg).toContain('<polyline');
    expect(lineChartSvg([], { title: 'empty', xLabel: 'x', yLabel: 'y' })).toContain('no data');
  });
});
