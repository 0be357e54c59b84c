/**
 * Separable resampling of float planes. Written here because the image libraries in use decode and encode
 * but do not resize, and the same code must run in Workers and browsers without a canvas.
 */
export type ResizeKernel = 'bilinear' | 'area' | 'nearest';

interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float32Array[];
}

/** For each of `outSize` outputs, the source taps in [srcStart, srcStart+srcSpan) of a `srcSize` axis. */
function axisTaps(srcSize: number, srcStart: number, srcSpan: number, outSize: number, kernel: ResizeKernel): Taps {
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights: Float32Array[] = [];
  const scale = srcSpan / outSize;
  const clamp = (i: number) => Math.min(srcSize - 1, Math.max(0, i));
  for (let o = 0; o < outSize; o++) {
    if (kernel === 'nearest') {
      start[o] = clamp(Math.floor(srcStart + (o + 0.5) * scale));
      count[o] = 1;
      weights.push(Float32Array.of(1));
    } else if (kernel === 'bilinear' || scale <= 1) {
      const center = srcStart + (o + 0.5) * scale - 0.5;
      const left = Math.floor(center);
      const t = center - left;
      const a = clamp(left);
      const b = clamp(left + 1);
      start[o] = a;
      count[o] = b - a + 1;
      weights.push(b === a ? Float32Array.of(1) : Float32Array.of(1 - t, t));
    } else {
      const from = srcStart + o * scale;
      const to = from + scale;
      const first = clamp(Math.floor(from));
      const last = clamp(Math.ceil(to) - 1);
      const w = new Float32Array(last - first + 1);
      for (let i = first; i <= last; i++) w[i - first] = (Math.min(to, i + 1) - Math.max(from, i)) / scale;
      start[o] = first;
      count[o] = w.length;
      weights.push(w);
    }
  }
  return { start, count, weights };
}

export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

function verticalPass(horizontal: Float32Array, rowFirst: number, ys: Taps, outW: number, outH: number): Float32Array {
  const out = new Float32Array(outW * outH);
  for (let o = 0; o < outH; o++) {
    const w = ys.weights[o];
    for (let x = 0; x < outW; x++) {
      let sum = 0;
      for (let k = 0; k < ys.count[o]; k++) sum += w[k] * horizontal[(ys.start[o] + k - rowFirst) * outW + x];
      out[o * outW + x] = sum;
    }
  }
  return out;
}

/** Both axes' taps for `region` → outW×outH, and the source rows the vertical pass reads. */
function planTaps(srcW: number, srcH: number, region: Region, outW: number, outH: number, kernel: ResizeKernel) {
  const xs = axisTaps(srcW, region.left, region.width, outW, kernel);
  const ys = axisTaps(srcH, region.top, region.height, outH, kernel);
  return { xs, ys, rowFirst: ys.start[0], rowLast: ys.start[outH - 1] + ys.count[outH - 1] - 1 };
}

/** Resamples `region` of each srcW×srcH plane to outW×outH. */
export function resamplePlanes(
  planes: Float32Array[],
  srcW: number,
  srcH: number,
  region: Region,
  outW: number,
  outH: number,
  kernel: ResizeKernel,
): Float32Array[] {
  const { xs, ys, rowFirst, rowLast } = planTaps(srcW, srcH, region, outW, outH, kernel);
  return planes.map((plane) => {
    const horizontal = new Float32Array((rowLast - rowFirst + 1) * outW);
    for (let y = rowFirst; y <= rowLast; y++) {
      const row = y * srcW;
      const outRow = (y - rowFirst) * outW;
      for (let o = 0; o < outW; o++) {
        const w = xs.weights[o];
        let sum = 0;
        for (let k = 0; k < xs.count[o]; k++) sum += w[k] * plane[row + xs.start[o] + k];
        horizontal[outRow + o] = sum;
      }
    }
    return verticalPass(horizontal, rowFirst, ys, outW, outH);
  });
}

const LUMA = [0.299, 0.587, 0.114] as const;

/**
 * Resamples `region` of 8-bit RGBA straight into float planes in [0,1] (grey by luma, or R, G, B),
 * compositing transparency over white on the way. Reading the bytes in the horizontal pass keeps memory at
 * rows × outW instead of float copies of a whole (up to 16 MP) upload.
 */
export function resampleRgba(
  data: Uint8Array,
  srcW: number,
  srcH: number,
  region: Region,
  outW: number,
  outH: number,
  kernel: ResizeKernel,
  grayscale: boolean,
): Float32Array[] {
  const { xs, ys, rowFirst, rowLast } = planTaps(srcW, srcH, region, outW, outH, kernel);
  const rows = rowLast - rowFirst + 1;
  const horizontal = Array.from({ length: grayscale ? 1 : 3 }, () => new Float32Array(rows * outW));
  for (let y = rowFirst; y <= rowLast; y++) {
    const row = y * srcW;
    const outRow = (y - rowFirst) * outW;
    for (let o = 0; o < outW; o++) {
      const w = xs.weights[o];
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < xs.count[o]; k++) {
        const i = (row + xs.start[o] + k) * 4;
        const alpha = data[i + 3] / 255;
        const white = (1 - alpha) * w[k];
        const scale = (alpha * w[k]) / 255;
        r += data[i] * scale + white;
        g += data[i + 1] * scale + white;
        b += data[i + 2] * scale + white;
      }
      if (grayscale) horizontal[0][outRow + o] = LUMA[0] * r + LUMA[1] * g + LUMA[2] * b;
      else {
        horizontal[0][outRow + o] = r;
        horizontal[1][outRow + o] = g;
        horizontal[2][outRow + o] = b;
      }
    }
  }
  return horizontal.map((plane) => verticalPass(plane, rowFirst, ys, outW, outH));
}
