/** A shared lazy load: call it for the result; `reset()` makes the next call start afresh (a reload). */
export interface Once<T> {
  (): Promise<T>;
  reset(): void;
}

/** Lazy loads by key: `shared(key, start)`; `forget(key)` makes the next call for that key start afresh. */
export interface OncePerKey<K, T> {
  (key: K, start: () => Promise<T>): Promise<T>;
  forget(key: K): void;
}

/**
 * Lazily started work shared by every caller: kept once it succeeds, forgotten when it fails so the next call tries
 * again (a network blip or a missing file must not poison a long-lived server or page).
 */
export function once<T>(start: () => Promise<T>): Once<T> {
  const shared = oncePerKey<true, T>();
  return Object.assign(() => shared(true, start), { reset: () => shared.forget(true) });
}

/**
 * {@link once} per key: `shared(key, start)` starts the key's work on its first call and shares it until it fails.
 * The work is passed at the call so it can use the caller's arguments; the key must say everything it depends on.
 */
export function oncePerKey<K, T>(): OncePerKey<K, T> {
  const pending = new Map<K, Promise<T>>();
  const shared = (key: K, start: () => Promise<T>) => {
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
  return Object.assign(shared, { forget: (key: K) => void pending.delete(key) });
}
