/**
 * A model-resolution image or image difference (CHW planes in 0..255 units), read back at any position of the model
 * frame with bilinear interpolation: the "smooth upsample" detail transfer lays over a photo's own pixels.
 */
export interface Field {
  channels: number;
  width: number;
  height: number;
  data: Float32Array;
}

/** Σ weight × decoded output, in 0..255 units: Dec(z′) − Dec(z) is weights [1, −1]; a morph frame mixes three. */
export function combineDecoded(terms: readonly { decoded: Float32Array; weight: number }[], shape: readonly [number, number, number]): Field {
  const [channels, height, width] = shape;
  const data = new Float32Array(channels * height * width);
  for (const { decoded, weight } of terms) {
    if (decoded.length !== data.length) throw new Error(`decoded output has ${decoded.length} values, expected ${data.length}`);
    if (weight === 0) continue;
    const w = 255 * weight;
    for (let i = 0; i < data.length; i++) data[i] += w * decoded[i];
  }
  return { channels, width, height, data };
}

/**
 * Writes the field's value at model position (u, v) (pixel centres at i + 0.5, clamped at the frame's edge) into
 * `out[0..channels)`. Kept allocation-free: it runs for every output pixel.
 */
export function sampleField(field: Field, u: number, v: number, out: Float64Array): void {
  const { width, height, data, channels } = field;
  const x = Math.min(width - 1, Math.max(0, u - 0.5));
  const y = Math.min(height - 1, Math.max(0, v - 0.5));
  const x0 = Math.min(width - 2, Math.floor(x));
  const y0 = Math.min(height - 2, Math.floor(y));
  const fx = x - x0;
  const fy = y - y0;
  const plane = width * height;
  const p = y0 * width + x0;
  for (let c = 0; c < channels; c++) {
    const o = c * plane + p;
    const top = data[o] + fx * (data[o + 1] - data[o]);
    const bottom = data[o + width] + fx * (data[o + width + 1] - data[o + width]);
    out[c] = top + fy * (bottom - top);
  }
}
