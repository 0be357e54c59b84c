/** The Train panel's loss chart: a canvas redrawn from the whole history on each update (a few hundred points). */
export interface ChartData {
  /** [step, training reconstruction loss]. */
  training: [number, number][];
  /** [step, validation MSE]. */
  validation: [number, number][];
  pca?: number;
}

const PAD = { left: 56, right: 12, top: 12, bottom: 28 };

function colours(canvas: HTMLCanvasElement) {
  const style = getComputedStyle(canvas);
  return { text: style.color || '#333', training: '#1d4e89', validation: '#c2410c', pca: '#15803d', grid: 'rgba(128,128,128,0.35)' };
}

/** At most `most` evenly spaced points of a long curve: more than a 640-pixel chart can show is wasted drawing. */
const thin = (points: [number, number][], most = 600) => (points.length <= most ? points : points.filter((_, i) => i % Math.ceil(points.length / most) === 0));

export function drawLossChart(canvas: HTMLCanvasElement, data: ChartData): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  const { width, height } = canvas;
  const c = colours(canvas);
  context.clearRect(0, 0, width, height);
  const values = [...data.training.map((p) => p[1]), ...data.validation.map((p) => p[1]), ...(data.pca ? [data.pca] : [])].filter((v) => v > 0);
  if (!values.length) return;
  const maxStep = Math.max(1, ...data.training.map((p) => p[0]), ...data.validation.map((p) => p[0]));
  const [low, high] = [Math.log10(Math.min(...values)), Math.log10(Math.max(...values))];
  const span = Math.max(high - low, 0.3);
  const x = (step: number) => PAD.left + (step / maxStep) * (width - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + ((high - Math.log10(v)) / span) * (height - PAD.top - PAD.bottom);
  context.font = '11px system-ui, sans-serif';
  context.fillStyle = c.text;
  context.strokeStyle = c.grid;
  for (let e = Math.floor(low); e <= Math.ceil(high); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (Math.log10(v) < low - 0.01 || Math.log10(v) > low + span + 0.01) continue;
      context.beginPath();
      context.moveTo(PAD.left, y(v));
      context.lineTo(width - PAD.right, y(v));
      context.stroke();
      context.fillText(v.toPrecision(1), 4, y(v) + 4);
    }
  }
  context.fillText(`step ${maxStep}`, width - PAD.right - 60, height - 8);
  context.strokeStyle = c.training;
  context.lineWidth = 1;
  context.beginPath();
  thin(data.training).forEach(([s, v], i) => (i ? context.lineTo(x(s), y(v)) : context.moveTo(x(s), y(v))));
  context.stroke();
  context.fillStyle = c.validation;
  for (const [s, v] of data.validation) context.fillRect(x(s) - 2.5, y(v) - 2.5, 5, 5);
  if (data.pca) {
    context.strokeStyle = c.pca;
    context.setLineDash([6, 4]);
    context.beginPath();
    context.moveTo(PAD.left, y(data.pca));
    context.lineTo(width - PAD.right, y(data.pca));
    context.stroke();
    context.setLineDash([]);
    context.fillStyle = c.pca;
    context.fillText('PCA-32', width - PAD.right - 44, y(data.pca) - 4);
  }
}

/** Paints rows of 28×28 digits (0..1, white ink on black) side by side: one row per array. */
export function drawDigitRows(canvas: HTMLCanvasElement, rows: Float32Array[], perRow: number): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  canvas.width = perRow * 28;
  canvas.height = rows.length * 28;
  const image = context.createImageData(canvas.width, canvas.height);
  rows.forEach((row, r) => {
    for (let n = 0; n < perRow; n++)
      for (let py = 0; py < 28; py++)
        for (let px = 0; px < 28; px++) {
          const v = Math.round(Math.min(1, Math.max(0, row[n * 784 + py * 28 + px] ?? 0)) * 255);
          const o = ((r * 28 + py) * canvas.width + n * 28 + px) * 4;
          image.data[o] = image.data[o + 1] = image.data[o + 2] = v;
          image.data[o + 3] = 255;
        }
  });
  context.putImageData(image, 0, 0);
}
