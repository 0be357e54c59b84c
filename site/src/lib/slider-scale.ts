/** A range slider's grid: about `steps` steps of a round size, with min and max on the grid so 0 lies on it too. */
export interface SliderScale {
  min: number;
  max: number;
  step: number;
  /** Decimals that show every value of the grid exactly. */
  decimals: number;
}

/** The round step (1, 2 or 5 × 10^k) nearest above `span / steps`. */
function roundStep(span: number, steps: number): number {
  const raw = span / steps;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= raw * 0.999)!;
}

export function sliderScale(min: number, max: number, steps = 100): SliderScale {
  const step = roundStep(max - min, steps);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const onGrid = (value: number, round: (x: number) => number) => Number((round(value / step - 1e-9 * Math.sign(value)) * step).toFixed(decimals));
  return { min: onGrid(min, Math.floor), max: onGrid(max, Math.ceil), step, decimals };
}

/**
 * `value` on the grid, as a plain decimal: a browser's range input steps from its min in floating point (−4.5 + 50 ×
 * 0.09 is 2e-16), and that must never reach a copied API call or a share link; −0 becomes 0.
 */
export function snapToStep(value: number, scale: Pick<SliderScale, 'step' | 'decimals'>): number {
  const snapped = Number((Math.round(value / scale.step) * scale.step).toFixed(scale.decimals));
  return snapped === 0 ? 0 : snapped;
}

/** The value as the slider's output shows it: fixed decimals, never "-0.00". */
export function formatValue(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  return Number(text) === 0 ? (0).toFixed(decimals) : text;
}

/** Gives a range input the scale's grid. */
export function applyScale(input: HTMLInputElement, scale: SliderScale): void {
  Object.assign(input, { min: String(scale.min), max: String(scale.max), step: String(scale.step) });
}
