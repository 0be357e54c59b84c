import { describeError } from './describe-error.ts';

export function element<T extends HTMLElement = HTMLElement>(selector: string, root: ParentNode = document): T {
  const found = root.querySelector<T>(selector);
  if (!found) throw new Error(`page is missing ${selector}`);
  return found;
}

/** Shows a message in a polite live region; errors are styled and announced the same way. */
export function say(status: HTMLElement, message: string, isError = false): void {
  status.textContent = message;
  status.classList.toggle('error', isError);
}

export function sayError(status: HTMLElement, error: unknown): void {
  say(status, describeError(error), true);
}
