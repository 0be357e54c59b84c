import { copyText } from './api-call-panel.ts';

/** A tool's state as URL parameters; undefined removes a parameter. */
export type ShareParams = Record<string, string | undefined>;

/** History entries are replaced at most this often: Chromium throttles a page that replaces them on every frame. */
const WRITE_EVERY_MS = 250;

/** The parameters the page was opened with (a share link), read once. */
export const sharedParams = new URLSearchParams(location.search);

/**
 * Keeps the address bar a share link of what the page shows: model, codes and edits (edge/core/permalink.ts), written
 * with history.replaceState so Back still leaves the page. Parameters the tool does not own (`ep`) are kept.
 */
export class ShareLink {
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly state: () => ShareParams | undefined,
    button: HTMLButtonElement | null,
    announce: (message: string, isError?: boolean) => void,
  ) {
    button?.addEventListener('click', () => {
      this.write();
      void copyText(location.href, 'Share link', announce);
    });
  }

  /** Asks for the address bar to follow the state; writes are spaced WRITE_EVERY_MS apart, the last always lands. */
  update(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.write();
    }, WRITE_EVERY_MS);
  }

  private write(): void {
    const state = this.state();
    if (!state) return;
    const params = new URLSearchParams(location.search);
    for (const [key, value] of Object.entries(state)) {
      if (value === undefined) params.delete(key);
      else params.set(key, value);
    }
    const url = `${location.pathname}?${params}${location.hash}`;
    if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(history.state, '', url);
  }
}
