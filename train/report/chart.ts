/** One line of a chart: y values at x positions (e.g. loss per epoch). */
export interface Series {
  label: string;
  color: string;
  points: [number, number][];
}

const escapeXml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function niceTicks(min: number, max: number, count: number): number[] {
  const span = max - min || Math.abs(max) || 1;
  const rough = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? rough;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(6)));
  return ticks;
}

/**
 * A line chart as inline SVG, log-scaled in y when every value is positive (losses span decades).
 * Hand-written because it is forty lines, and a charting library would pull a DOM or canvas into the trainer.
 */
export function lineChartSvg(series: Series[], options: { title: string; xLabel: string; yLabel: string; width?: number; height?: number }): string {
  const width = options.width ?? 640;
  const height = options.height ?? 320;
  const margin = { left: 64, right: 16, top: 28, bottom: 40 };
  const all = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (all.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><text x="10" y="20">${escapeXml(options.title)}: no data</text></svg>`;
  const logY = all.every(([, y]) => y > 0);
  const fy = (y: number) => (logY ? Math.log10(y) : y);
  const xs = all.map(([x]) => x);
  const ys = all.map(([, y]) => fy(y));
  const [x0, x1] = [Math.min(...xs), Math.max(...xs) === Math.min(...xs) ? Math.min(...xs) + 1 : Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y1 - y0 < 1e-9) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const px = (x: number) => margin.left + ((x - x0) / (x1 - x0)) * (width - margin.left - margin.right);
  const py = (y: number) => height - margin.bottom - ((fy(y) - y0) / (y1 - y0)) * (height - margin.top - margin.bottom);
  const yTicks = logY
    ? niceTicks(y0, y1, 4).map((e) => 10 ** e)
    : niceTicks(y0, y1, 5);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(options.title)}" font-family="sans-serif" font-size="11">`,
    `<text x="${width / 2}" y="16" text-anchor="middle" font-size="13">${escapeXml(options.title)}</text>`,
    `<line x1="${margin.left}" y1="${height - margin.bottom}" x2="${width - margin.right}" y2="${height - margin.bottom}" stroke="#444"/>`,
    `<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${height - margin.bottom}" stroke="#444"/>`,
  ];
  for (const t of yTicks) {
    const y = py(t);
    if (y < margin.top - 1 || y > height - margin.bottom + 1) continue;
    parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#ddd"/>`);
    parts.push(`<text x="${margin.left - 4}" y="${(y + 4).toFixed(1)}" text-anchor="end">${t.toPrecision(2)}</text>`);
  }
  for (const t of niceTicks(x0, x1, 6)) {
    const x = px(t);
    parts.push(`<text x="${x.toFixed(1)}" y="${height - margin.bottom + 14}" text-anchor="middle">${t}</text>`);
  }
  parts.push(`<text x="${width / 2}" y="${height - 6}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${height / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}${logY ? ' (log)' : ''}</text>`);
  series.forEach((s, i) => {
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!logY || y > 0));
    if (pts.length) {
      parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`);
      // Markers keep short series (a few epochs, a single point) visible.
      if (pts.length <= 60) for (const [x, y] of pts) parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="2.5" fill="${s.color}"/>`);
    }
    const ly = margin.top + 4 + i * 14;
    parts.push(`<rect x="${width - margin.right - 150}" y="${ly}" width="10" height="3" fill="${s.color}"/>`);
    parts.push(`<text x="${width - margin.right - 136}" y="${ly + 5}">${escapeXml(s.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
