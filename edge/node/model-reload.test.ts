import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '#core/manifest.ts';
import { createFixtureModel, type FixtureModel } from '../../train/testing/fixture-model.ts';
import { syntheticPng } from '../testing/images.ts';
import { writeFixtureModel } from '../../train/testing/write-fixture.ts';
import { watchModelFolders } from './model-reload.ts';
import { startNodeServer, type RunningServer } from './server.ts';

let dir: string;
let server: RunningServer;
let watcher: ReturnType<typeof watchModelFolders>;
let fixture: FixtureModel;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'latentlab-reload-'));
  fixture = await createFixtureModel();
  await writeFixtureModel(dir, fixture);
  server = await startNodeServer({ port: 0, modelsDir: dir, pool: { threads: 2 } });
  watcher = watchModelFolders(dir, server, { settleMs: 100, log: () => undefined });
});

afterAll(async () => {
  watcher?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;
const encodeStatus = (id: string) => fetch(url(`/v1/models/${id}/encode`), { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: syntheticPng(2) as BodyInit }).then((r) => r.status);
/** Four requests at once, so both pool threads answer; true when every answer has `status`. */
const everyThreadAnswers = async (id: string, status: number) =>
  (await Promise.all([encodeStatus(id), encodeStatus(id), encodeStatus(id), encodeStatus(id)])).every((s) => s === status);

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within 10 s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Writes like the trainer: a hidden staging folder, renamed into place. */
async function publish(model: FixtureModel): Promise<void> {
  const staging = await writeFixtureModel(join(dir, '.staging'), model);
  await rename(staging, join(dir, model.id));
}

describe('model folders picked up without a restart (watch on MODELS_DIR)', () => {
  it('serves a model folder renamed into place on every pool thread, and forgets one taken away', async () => {
    expect(await everyThreadAnswers('second', 404)).toBe(true);
    const manifest = parseManifest({ ...fixture.manifest, id: 'second' });
    const files = new Map(fixture.files).set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest)));
    await publish({ ...fixture, id: 'second', manifest, files });
    await eventually(async () => ((await (await fetch(url('/v1/health'))).json()) as { models: string[] }).models.includes('second'), 'health lists it');
    await eventually(() => everyThreadAnswers('second', 200), 'every thread encodes with it');
    const listed = (await (await fetch(url('/v1/models'))).json()) as { models: { id: string }[] };
    expect(listed.models.map((m) => m.id)).toEqual(['fixture', 'second']);

    await rename(join(dir, 'second'), join(dir, '.retired'));
    await eventually(() => everyThreadAnswers('second', 404), 'every thread forgets it');
    expect(await encodeStatus('fixture')).toBe(200);
  }, 60_000);
});
