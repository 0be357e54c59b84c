import { element } from './page-elements.ts';

type Announce = (message: string, isError?: boolean) => void;

/** Copies `text`, saying where it went; where the clipboard is refused (no permission, http) the text is on screen anyway. */
export async function copyText(text: string, what: string, announce: Announce): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    announce(`${what} copied to the clipboard.`);
  } catch {
    announce(`${what} shown on the page (the clipboard is not available here).`);
  }
}

/**
 * The one "Copy API call" of every tool (an ApiCall.astro block): shows the call that reproduces what the page shows
 * and copies it; once shown, it follows every change (`refresh`). `call` answers undefined while there is nothing to call.
 */
export class ApiCallPanel {
  private readonly button: HTMLButtonElement;
  private readonly panel: HTMLElement;
  private readonly code: HTMLElement;

  constructor(
    root: HTMLElement,
    private readonly call: () => string | undefined,
    announce: Announce,
  ) {
    this.button = element<HTMLButtonElement>('[data-api-call-button]', root);
    this.panel = element('[data-api-call-panel]', root);
    this.code = element('[data-api-call-code]', root);
    this.button.addEventListener('click', () => {
      const text = this.call();
      if (!text) return announce('Load a model and pick the images first.', true);
      this.code.textContent = text;
      this.panel.hidden = false;
      this.button.setAttribute('aria-expanded', 'true');
      void copyText(text, 'API call', announce);
    });
  }

  refresh(): void {
    if (this.panel.hidden) return;
    this.code.textContent = this.call() ?? '';
  }
}
