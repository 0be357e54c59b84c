import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAttributes, parseManifest, type AttributesFile, type Manifest } from '#core/manifest.ts';
import { oncePerKey } from '#core/once.ts';
import { parseReport, type Report } from '#core/report.ts';

/** What a page needs to know about a shipped model at build time (never the weights). */
export interface BuildModel {
  manifest: Manifest;
  attributes: AttributesFile;
  /** The trainer's report.json when the model folder has one; pages say so when it is missing. */
  report: Report | null;
  hasAtlas: boolean;
}

const defaultModelsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../models');

export function modelsDir(): string {
  return process.env.LATENTLAB_MODELS_DIR ?? defaultModelsDir;
}

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8'));
}


/**
 * Every model folder under `dir` whose manifest and attributes pass the contract; broken folders are reported (once per
 * build, though every page asks) and skipped.
 */
const listed = oncePerKey<string, BuildModel[]>();

export function listBuildModels(dir = modelsDir()): Promise<BuildModel[]> {
  return listed(dir, () => readModels(dir));
}

/** A report that breaks the contract is left out (the pages then say it is missing) rather than hiding its model. */
async function readReport(file: string): Promise<Report | null> {
  try {
    return parseReport(await readJson(file), file);
  } catch (error) {
    console.warn(`site: leaving out ${file}: ${(error as Error).message}`);
    return null;
  }
}

async function readModels(dir: string): Promise<BuildModel[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true });
  const models: BuildModel[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const folder = path.join(dir, entry.name);
    if (!existsSync(path.join(folder, 'manifest.json'))) continue;
    try {
      const manifest = parseManifest(await readJson(path.join(folder, 'manifest.json')));
      const attributes = parseAttributes(await readJson(path.join(folder, manifest.files.attributes.path)), manifest);
      const reportFile = path.join(folder, manifest.files.report?.path ?? 'report.json');
      const report = existsSync(reportFile) ? await readReport(reportFile) : null;
      const { atlas, atlasIndex } = manifest.files;
      const hasAtlas = Boolean(atlas && atlasIndex && existsSync(path.join(folder, atlas.path)) && existsSync(path.join(folder, atlasIndex.path)));
      models.push({ manifest, attributes, report, hasAtlas });
    } catch (error) {
      console.warn(`site: skipping models/${entry.name}: ${(error as Error).message}`);
    }
  }
  return models;
}
