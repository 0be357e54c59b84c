/** A number field's allowed range and what it is called in the note. */
export interface NumberRule {
  min: number;
  max: number;
  fallback: number;
  what: string;
  /** Why the range ends there, for the note ("the most the API makes"). */
  reason: string;
  /** Whole numbers only (the default); false keeps fractions. */
  integer?: boolean;
}

/** `value` brought into the rule's range (and to a whole number), and the sentence that says so when it had to be changed. */
export function clampNumber(value: number, rule: NumberRule): { value: number; note?: string } {
  if (!Number.isFinite(value)) return { value: rule.fallback, note: `${rule.what} must be a number; ${rule.fallback} is used.` };
  const rounded = rule.integer === false ? value : Math.round(value);
  const clamped = Math.min(rule.max, Math.max(rule.min, rounded));
  if (clamped === value) return { value };
  if (clamped !== rounded) {
    const bound = clamped === rule.max ? `at most ${rule.max}` : `at least ${rule.min}`;
    return { value: clamped, note: `${rule.what} ${value} is out of range (${bound}, ${rule.reason}); ${clamped} is used.` };
  }
  return { value: clamped, note: `${rule.what} must be a whole number; ${clamped} is used.` };
}

/**
 * Reads a number input through `rule`; a value that had to change is written back into the field and explained in
 * `note`, so the page never silently uses another number than the one typed. The note stays until the field changes.
 */
export function readClampedInput(input: HTMLInputElement, rule: NumberRule, note: HTMLElement | null): number {
  const { value, note: text } = clampNumber(input.value === '' ? NaN : Number(input.value), rule);
  const stillClamped = !text && input.dataset.clampedTo === input.value;
  if (note && !stillClamped) {
    note.textContent = text ?? '';
    note.hidden = !text;
  }
  if (!stillClamped) delete input.dataset.clampedTo;
  if (text && document.activeElement !== input) {
    input.value = String(value);
    input.dataset.clampedTo = input.value;
  }
  return value;
}
