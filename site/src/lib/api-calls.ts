/**
 * Equivalent HTTP requests for what a page just did (edge/schemas.ts: options in the query string, images as multipart
 * fields, latents as JSON), so developers can copy them into their own code.
 */

const rounded = (latent: Float32Array) => Array.from(latent, (v) => Number(v.toFixed(4)));

function curlJson(url: string, body: unknown, output: string): string {
  return `curl -X POST '${url}' \\\n  -H 'content-type: application/json' \\\n  -d '${JSON.stringify(body)}' \\\n  -o ${output}`;
}

export function morphApiCall(origin: string, modelId: string, options: { a: Float32Array; b: Float32Array; frames: number; path: string }): string {
  const url = `${origin}/v1/models/${modelId}/morph?frames=${options.frames}&path=${options.path}&format=gif`;
  return [
    '# With your own images:',
    `curl -X POST '${url}' \\\n  -F a=@a.png -F b=@b.png \\\n  -o morph.gif`,
    '',
    '# With the codes shown on this page:',
    curlJson(url, { a: rounded(options.a), b: rounded(options.b) }, 'morph.gif'),
  ].join('\n');
}

export function attributesApiCall(origin: string, modelId: string, latent: Float32Array, edits: Record<string, number>): string {
  const url = `${origin}/v1/models/${modelId}/attributes`;
  return [
    '# With your own image:',
    `curl -X POST '${url}' \\\n  -F image=@face.png -F 'attributes=${JSON.stringify(edits)}' \\\n  -o edited.png`,
    '',
    '# With the code shown on this page:',
    curlJson(url, { latent: rounded(latent), attributes: edits }, 'edited.png'),
  ].join('\n');
}

export function sampleApiCall(origin: string, modelId: string, seed: number, count: number, temperature: number): string {
  return `curl '${origin}/v1/models/${modelId}/sample?seed=${seed}&n=${count}&temperature=${temperature}' -o samples.png`;
}
