/**
 * Runs `draw` at most once per animation frame however many inputs fire meanwhile, and never two draws at once: an
 * input during a draw queues one more after it, so a slow decode cannot pile up runs and the last input always shows.
 */
export function coalesced(draw: () => Promise<void> | void): () => void {
  let queued = false;
  let running = false;
  let again = false;
  const run = async () => {
    queued = false;
    running = true;
    try {
      await draw();
    } finally {
      running = false;
      if (again) {
        again = false;
        request();
      }
    }
  };
  const request = () => {
    if (running) again = true;
    if (queued || running) return;
    queued = true;
    requestAnimationFrame(() => void run());
  };
  return request;
}
