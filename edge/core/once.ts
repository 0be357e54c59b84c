/**
 * Lazily started work shared by every caller: kept once it succeeds, forgotten when it fails so the next call tries
 * again (a network blip or a missing file must not poison a long-lived server or page).
 */
export function once<T>(start: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (!pending) {
      const attempt = start();
      pending = attempt;
      attempt.catch(() => {
        if (pending === attempt) pending = undefined;
      });
    }
    return pending;
  };
}

/**
 * {@link once} per key: `shared(key, start)` starts the key's work on its first call and shares it until it fails.
 * The work is passed at the call so it can use the caller's arguments; the key must say everything it depends on.
 */
export function oncePerKey<K, T>(): (key: K, start: () => Promise<T>) => Promise<T> {
  const pending = new Map<K, Promise<T>>();
  return (key, start) => {
    let attempt = pending.get(key);
    if (!attempt) {
      const started = start();
      attempt = started;
      pending.set(key, started);
      started.catch(() => {
        if (pending.get(key) === started) pending.delete(key);
      });
    }
    return attempt;
  };
}
