import { readFile } from 'node:fs/promises';

/**
 * The OpenAPI document captured by site/build.ts from the API app itself (LATENTLAB_OPENAPI_SNAPSHOT), so the API page is
 * complete on a static host too; without it the page fetches /v1/openapi.json from the server it is served by.
 */
export async function readOpenApiSnapshot(): Promise<Record<string, unknown> | null> {
  const file = process.env.LATENTLAB_OPENAPI_SNAPSHOT;
  if (!file) return null;
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}
