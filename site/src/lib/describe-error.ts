/** The message to show a visitor for anything thrown: core InputErrors already read as sentences. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
