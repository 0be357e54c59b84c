import { lineChartSvg } from './chart.ts';
import type { AttributeEditResult, Report } from './report.ts';

/** Pictures the report shows, as data URIs, so report.html is one self-contained file. */
export interface ReportPictures {
  reconstructions: string;
  interpolations?: string;
  edits: { attribute: string; strengths: number[]; uri: string }[];
  samples?: string;
  latentMap?: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const fmt = (v: number, digits = 4) => (Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : 'n/a');
const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : 'n/a');
const img = (uri: string, alt: string) => `<img src="${uri}" alt="${escapeHtml(alt)}">`;

function table(head: string[], rows: (string | number)[][]): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c))}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table>`;
}

const storedAs = ({ weights, float16 }: Report['validation']['exported']) => {
  const storage = weights ?? (float16 ? 'float16' : 'float32');
  return storage === 'float32' ? '' : ` (${storage} weights)`;
};

export function renderReportHtml(report: Report, pictures: ReportPictures, notice?: string): string {
  const v = report.validation;
  const sections: string[] = [];
  sections.push(`<h1>${escapeHtml(report.title)}</h1>
<p>Model <code>${escapeHtml(report.id)}</code> (${escapeHtml(report.kind)}), code size ${report.codeSize}, ${report.parameters.toLocaleString('en')} parameters,
trained from <code>${escapeHtml(report.config)}</code> with the <code>${escapeHtml(report.engine)}</code> engine on ${escapeHtml(report.device)}.
Data: ${escapeHtml(report.data.name)}, ${report.data.trainImages} training and ${report.data.validationImages} validation images of ${report.data.shape.join('×')}.</p>`);
  if (notice) sections.push(`<p class="notice">${escapeHtml(notice)}</p>`);

  sections.push(`<h2>Validation quality</h2>${table(
    ['', 'MSE', 'PSNR (dB)'],
    [
      ['this model', fmt(v.model.mse), fmt(v.model.psnr)],
      [`PCA, ${v.pca.dim ?? report.codeSize} components`, fmt(v.pca.mse), fmt(v.pca.psnr)],
      [`shipped ONNX${storedAs(v.exported)}`, fmt(v.exported.mse), fmt(v.exported.psnr)],
      ...(v.float16 ? [[`float16 weights (${((v.float16.encoderBytes + v.float16.decoderBytes) / 1024 / 1024).toFixed(2)} MB)`, fmt(v.float16.mse), fmt(v.float16.psnr)]] : []),
    ],
  )}<p>${
    v.mseRatioToPca === null
      ? `PCA can have at most ${v.pca.dim} components here (the number of ${v.pca.limitedBy ?? 'pixels'}), fewer than the code's ${report.codeSize} values: no ratio at unequal code sizes.`
      : `MSE relative to PCA at the same code size: <strong>${fmt(v.mseRatioToPca, 3)}</strong>.`
  }</p>`);

  if (report.training) {
    const t = report.training;
    const chart = lineChartSvg(
      [
        { label: 'training loss', color: '#1f77b4', points: t.curve.map((e) => [e.epoch, e.trainLoss]) },
        { label: 'validation MSE', color: '#d62728', points: t.curve.map((e) => [e.epoch, e.validationMse]) },
        { label: `PCA-${report.codeSize} MSE`, color: '#999999', points: t.curve.map((e) => [e.epoch, v.pca.mse]) },
      ],
      { title: 'Loss per epoch', xLabel: 'epoch', yLabel: 'loss' },
    );
    sections.push(`<h2>Training</h2><p>${t.epochs} epochs, ${t.steps} steps of ${t.batchSize} images in ${fmt(t.seconds, 3)} s (${fmt(t.imagesPerSecond, 3)} images/s)${
      t.resumedFromStep ? `, resumed from step ${t.resumedFromStep}` : ''
    }.</p>${chart}`);
  }

  sections.push(`<h2>Reconstructions</h2><p>Rows: validation input, this model, PCA with ${report.codeSize} components.</p>${img(pictures.reconstructions, 'reconstruction grid')}`);
  if (pictures.interpolations) sections.push(`<h2>Interpolations</h2><p>Linear paths in the latent space between pairs of validation images.</p>${img(pictures.interpolations, 'interpolation strips')}`);

  sections.push(
    attributeEditsSection(
      'Attribute edits',
      report.attributes,
      `Each negative validation image (by label and by the judge) is encoded, moved along the attribute vector by the suggested strength and decoded;
the judge then says whether the attribute is present, and whether its other decisions changed: over all other decisions, for the other attribute that changed most, and as the share of images with any change.`,
    ),
  );
  if (report.attributesKeep) {
    sections.push(
      attributeEditsSection(
        'Attribute edits with detail kept',
        report.attributesKeep,
        `As the API returns edits of a photo by default (<code>detail=keep</code>): the image itself plus the decoder's change Dec(z′) − Dec(z), judged against the unedited image, each attribute at a strength calibrated the same way on these outputs.`,
      ),
    );
  }
  for (const edit of pictures.edits) {
    sections.push(`<h3>${escapeHtml(edit.attribute)}</h3><p>Negative validation images; columns: strength ${edit.strengths.map((s) => fmt(s, 3)).join(', ')}.</p>${img(edit.uri, `${edit.attribute} edits`)}`);
  }

  if (report.judge) {
    const j = report.judge;
    sections.push(`<h2>The judge</h2><p>A small pixel-space CNN (multi-label, sigmoid + BCE) trained on the training split for ${j.epochs} epochs in ${fmt(j.seconds, 3)} s; shipped as <code>judge.onnx</code>.</p>${table(
      ['attribute', 'validation accuracy', 'balanced accuracy', 'positive rate'],
      Object.entries(j.validation).map(([name, r]) => [name, pct(r.accuracy), pct(r.balancedAccuracy), pct(r.positiveRate)]),
    )}`);
  }
  if (report.pretraining) {
    const p = report.pretraining;
    sections.push(`<h2>Unsupervised pretraining</h2><p>A classifier of <code>${escapeHtml(p.target)}</code> (${p.classes} classes) with the encoder's architecture plus a rectifier and a linear head, trained on a fraction of the labelled training images: from random weights and fine-tuned from the autoencoder's encoder (learning rate ${p.lr}), and with that encoder frozen so only the head learns (learning rate ${p.frozenLr}). Validation accuracy:</p>${table(
      ['labels used', 'labelled images', 'updates', 'from scratch', 'fine-tuned encoder', 'frozen encoder'],
      p.rows.map((r) => [pct(r.labelFraction), r.labelled, r.steps, pct(r.scratchAccuracy), pct(r.pretrainedAccuracy), pct(r.frozenAccuracy)]),
    )}`);
  }
  if (pictures.samples) sections.push(`<h2>Random samples</h2><p>Codes drawn from a Gaussian with the training codes' mean and covariance, decoded.</p>${img(pictures.samples, 'random samples')}`);
  if (pictures.latentMap) sections.push(`<h2>Latent map</h2><p>Validation codes placed at the first two principal components of the codes, each drawn as its decoded image.</p>${img(pictures.latentMap, 'latent map')}`);

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(report.title)} — training report</title>
<style>
body{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:right}th:first-child,td:first-child{text-align:left}
img{image-rendering:pixelated;max-width:100%;display:block;margin:.5rem 0}.notice{background:#fff6d8;padding:.5rem;border-left:4px solid #e0b000}
</style></head><body>
${sections.join('\n')}
</body></html>
`;
}

/** The table of edit results, one row per attribute; empty when there are none. */
export function attributeEditsSection(title: string, results: Record<string, AttributeEditResult>, intro: string): string {
  const rows = Object.entries(results).map(([name, a]) => [
    name,
    fmt(a.strength, 3),
    a.judgedNegatives,
    pct(a.flipRate),
    pct(a.otherChangeRate),
    a.worstOtherAttribute ? `${pct(a.worstOtherChangeRate)} (${a.worstOtherAttribute})` : '–',
    pct(a.anyOtherChangeRate),
  ]);
  if (!rows.length) return '';
  const header = ['attribute', 'strength', 'negatives judged', 'judge flips', 'other decisions changed', 'most-changed other attribute', 'images with any other change'];
  return `<h2>${escapeHtml(title)}</h2><p>${intro}</p>${table(header, rows)}`;
}
