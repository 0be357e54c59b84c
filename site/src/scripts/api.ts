import { renderOpenApi, type OpenApiDocument } from '../lib/openapi-render.ts';
import { element, say } from '../lib/page-elements.ts';

const status = element('#api-status');
const embedded = document.getElementById('openapi-document')?.textContent;

async function documentToShow(): Promise<OpenApiDocument> {
  if (embedded) return JSON.parse(embedded) as OpenApiDocument;
  const response = await fetch('/v1/openapi.json');
  if (!response.ok) throw new Error(`/v1/openapi.json answered HTTP ${response.status}`);
  return (await response.json()) as OpenApiDocument;
}

documentToShow().then(
  (doc) => {
    renderOpenApi(element('#api-reference'), doc, location.origin);
    say(status, '');
  },
  (error: unknown) =>
    say(
      status,
      `The API reference comes from the API server (npm start serves it at /v1/openapi.json); this copy of the site is not behind one (${error instanceof Error ? error.message : String(error)}).`,
      true,
    ),
);
