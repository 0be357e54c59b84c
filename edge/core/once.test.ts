import { describe, expect, it } from 'vitest';
import { once, oncePerKey } from './once.ts';

describe('once', () => {
  it('starts the work on the first call and shares it', async () => {
    let starts = 0;
    const get = once(async () => ++starts);
    expect(starts).toBe(0);
    const [a, b] = await Promise.all([get(), get()]);
    expect([a, b, await get(), starts]).toEqual([1, 1, 1, 1]);
  });

  it('forgets a failure, so the next call starts again', async () => {
    let starts = 0;
    const get = once(async () => {
      starts++;
      if (starts === 1) throw new Error('flaky');
      return 'loaded';
    });
    await expect(get()).rejects.toThrow('flaky');
    expect(await get()).toBe('loaded');
    expect(await get()).toBe('loaded');
    expect(starts).toBe(2);
  });
});

describe('oncePerKey', () => {
  it('keeps one success per key and retries only the key that failed', async () => {
    const starts: string[] = [];
    const shared = oncePerKey<string, string>();
    const get = (key: string) =>
      shared(key, async () => {
        starts.push(key);
        if (key === 'bad' && starts.filter((k) => k === 'bad').length === 1) throw new Error(`no ${key}`);
        return key.toUpperCase();
      });
    await expect(get('bad')).rejects.toThrow('no bad');
    expect(await get('good')).toBe('GOOD');
    expect(await get('good')).toBe('GOOD');
    expect(await get('bad')).toBe('BAD');
    expect(starts).toEqual(['bad', 'good', 'bad']);
  });
});

describe('reset and forget', () => {
  it('start the work afresh on the next call, for that key only', async () => {
    let loads = 0;
    const list = once(async () => ++loads);
    expect(await list()).toBe(1);
    list.reset();
    expect(await list()).toBe(2);

    const shared = oncePerKey<string, string>();
    const starts: string[] = [];
    const get = (key: string) => shared(key, async () => (starts.push(key), `${key}${starts.length}`));
    expect([await get('a'), await get('b')]).toEqual(['a1', 'b2']);
    shared.forget('a');
    expect([await get('a'), await get('b')]).toEqual(['a3', 'b2']);
  });
});
