import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll } from 'vitest';
import { createApp } from './app.ts';
import type { Fetch } from './contract.ts';
import { ModelRegistry } from '#core/registry.ts';
import { fuzzSuite } from './fuzz/suite.ts';
import { startNodeServer, type RunningServer } from './node/server.ts';
import { createFixtureModel, memoryModelSource } from '../train/testing/fixture-model.ts';
import { writeFixtureModel } from '../train/testing/write-fixture.ts';

let inProcess: Fetch;
let overHttp: Fetch;
let server: RunningServer;
let dir: string;

beforeAll(async () => {
  const fixture = await createFixtureModel();
  const app = createApp({ registry: new ModelRegistry(memoryModelSource([fixture]), ort) });
  inProcess = async (r) => app.fetch(r);
  dir = await mkdtemp(join(tmpdir(), 'latentlab-fuzz-'));
  await writeFixtureModel(join(dir, 'models'), fixture);
  server = await startNodeServer({ port: 0, modelsDir: join(dir, 'models') });
  overHttp = (r) => {
    const url = new URL(r.url);
    return fetch(new Request(`http://127.0.0.1:${server.port}${url.pathname}${url.search}`, r));
  };
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

// The server's pool threads live in this process, so its RSS is the server's.
const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;

fuzzSuite('Node app in-process', () => inProcess);
fuzzSuite('Node server over HTTP (worker-thread pool)', () => overHttp, { rssMb, maxRssMb: 600 });
