/**
 * Symmetric int8 quantisation with one scale per row (the first axis: a conv's or dense layer's output channel, or a
 * transposed conv's input channel). One scale per row keeps a row of small weights from being rounded away by
 * another row's large ones; symmetric (no zero point) keeps dequantisation a single Cast and Mul. The round trip
 * moves each weight by at most half its row's scale, max|row| / 254.
 */
export function quantizeRows(values: Float32Array, rows: number): { values: Int8Array; scales: Float32Array } {
  if (!Number.isInteger(rows) || rows < 1 || values.length % rows !== 0) throw new Error(`cannot split ${values.length} weights into ${rows} rows`);
  const perRow = values.length / rows;
  const q = new Int8Array(values.length);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const row = values.subarray(r * perRow, (r + 1) * perRow);
    const largest = row.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    // An all-zero row gets scale 1, so it dequantises to exact zeros rather than 0 × NaN.
    const scale = largest > 0 ? largest / 127 : 1;
    scales[r] = scale;
    for (let i = 0; i < perRow; i++) q[r * perRow + i] = Math.round(row[i] / scale);
  }
  return { values: q, scales };
}
