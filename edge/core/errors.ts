/**
 * A problem with what the caller sent. Core code throws it with the HTTP status it maps to so the API,
 * the site and the CLI all describe the same problem the same way.
 */
export class InputError extends Error {
  constructor(
    readonly status: 400 | 404 | 413 | 415 | 422,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'InputError';
  }
}
