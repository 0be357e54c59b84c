import { describe, expect, it } from 'vitest';
import { request, type Fetch } from '../contract.ts';
import { hostileCases, LARGEST_SAMPLE } from './hostile.ts';
import { malformedCases } from './malformed.ts';

export interface FuzzOptions {
  /** Concurrent largest-legal requests (default 10). */
  heavyConcurrency?: number;
  /** The server's memory in MB, sampled through the suite; its peak must stay under `maxRssMb`. */
  rssMb?: () => number;
  maxRssMb?: number;
}

async function describeFailure(response: Response, text: string, label: string, path: string, init: RequestInit): Promise<string | undefined> {
  let code: unknown;
  try {
    code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
  } catch {
    code = undefined;
  }
  const isJson = (response.headers.get('content-type') ?? '').includes('application/json');
  if (response.status >= 400 && response.status < 500 && isJson && typeof code === 'string') return undefined;
  return `${label} ${init.method ?? 'GET'} ${path} -> ${response.status} ${text.slice(0, 120)}`;
}

/**
 * The fuzz and limit suite over any fetch (the in-process app, the Node server, workerd): ~540 malformed requests,
 * every case of the hostile-input probe, the largest legal requests at once, and the cache and method rules.
 */
export function fuzzSuite(name: string, getFetch: () => Fetch, options: FuzzOptions = {}) {
  const call = (path: string, init?: RequestInit) => getFetch()(request(path, init));

  describe(`fuzz and limits: ${name}`, () => {
    let peakRss = 0;
    const sample = () => (peakRss = Math.max(peakRss, options.rssMb?.() ?? 0));
    const timed = async <T>(task: () => Promise<T>) => {
      const sampler = setInterval(sample, 25);
      try {
        return await task();
      } finally {
        clearInterval(sampler);
        sample();
      }
    };

    it('answers each of 540 malformed requests with a 4xx JSON error and stays healthy', async () => {
      const failures: string[] = [];
      await timed(async () => {
        for (const [k, c] of malformedCases(2024, 540).entries()) {
          const response = await call(c.path, c.init);
          const failure = await describeFailure(response, await response.text(), `#${k} ${c.label}`, c.path, c.init);
          if (failure) failures.push(failure);
        }
      });
      expect(failures).toEqual([]);
      expect((await call('/v1/health')).status).toBe(200);
    });

    it('answers every case of the hostile-input probe as required, refusals within a second', async () => {
      const outcomes: string[] = [];
      await timed(async () => {
        for (const c of hostileCases()) {
          const started = performance.now();
          const response = await call(c.path, c.init);
          const bytes = (await response.arrayBuffer()).byteLength;
          const ms = performance.now() - started;
          const slow = c.withinMs !== undefined && ms > c.withinMs;
          const big = c.maxBodyBytes !== undefined && bytes > c.maxBodyBytes;
          if (response.status !== c.status || slow || big || (c.status === 405 && !response.headers.get('allow'))) {
            outcomes.push(`${c.label}: ${response.status} (want ${c.status}) in ${ms.toFixed(0)} ms, ${bytes} bytes`);
          }
        }
      });
      expect(outcomes).toEqual([]);
    });

    it('serves the largest legal requests side by side', async () => {
      const statuses = await timed(() =>
        Promise.all(Array.from({ length: options.heavyConcurrency ?? 10 }, () => call(LARGEST_SAMPLE).then(async (r) => (await r.arrayBuffer(), r.status)))),
      );
      expect(new Set(statuses)).toEqual(new Set([200]));
      if (options.rssMb) expect(peakRss, 'peak server RSS (MB) over the suite').toBeLessThan(options.maxRssMb ?? 600);
    });

    it('compares If-None-Match weakly and over lists', async () => {
      const path = '/v1/models/fixture/sample?seed=3&n=2';
      const etag = (await call(path)).headers.get('etag')!;
      expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
      for (const header of [`W/${etag}`, `"other", W/${etag}`, '*']) expect((await call(path, { headers: { 'If-None-Match': header } })).status, header).toBe(304);
      expect((await call(path, { headers: { 'If-None-Match': '"other"' } })).status).toBe(200);
    });
  });
}
