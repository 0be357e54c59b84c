import * as ort from 'onnxruntime-node';
import { beforeAll } from 'vitest';
import { createApp } from './app.ts';
import { contractSuite, type Fetch } from './contract.ts';
import { ModelRegistry } from '#core/registry.ts';
import { createFixtureModel, memoryModelSource } from '../train/testing/fixture-model.ts';

let fetch: Fetch;

beforeAll(async () => {
  const registry = new ModelRegistry(memoryModelSource([await createFixtureModel()]), ort);
  const app = createApp({ registry });
  fetch = async (request) => app.fetch(request);
});

contractSuite('Node app in-process', () => fetch, { modelId: 'fixture' });
