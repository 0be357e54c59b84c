/**
 * Equivalent HTTP requests for what a page just did (edge/schemas.ts: options in the query string, images as multipart
 * fields, latents as JSON), so developers can copy them into their own code. Pictures the decoder draws are asked for at
 * the size the page downloads them (DOWNLOAD_SIDE), smoothly scaled: bilinear is the API's default `resample`.
 */
import { DOWNLOAD_SIDE } from './downloads.ts';

const rounded = (latent: Float32Array) => Array.from(latent, (v) => Number(v.toFixed(4)));

function curlJson(url: string, body: unknown, output: string): string {
  return `curl -X POST '${url}' \\\n  -H 'content-type: application/json' \\\n  -d '${JSON.stringify(body)}' \\\n  -o ${output}`;
}

/** An uploaded photo the page shows edited: the call then sends that file, and gets it back edited in its format. */
export interface UploadedFile {
  name: string;
  format: string;
}

/** The file name as a shell word for curl's -F (quoted, so spaces and the like survive). */
const fileField = (field: string, name: string) => `'${field}=@${name.replace(/'/g, "'\\''")}'`;

/** `photos`: the two uploads' file names when the page shows their sharp morph (both faces aligned). */
export function morphApiCall(origin: string, modelId: string, options: { a: Float32Array; b: Float32Array; frames: number; path: string; photos?: [string, string] }): string {
  const url = `${origin}/v1/models/${modelId}/morph?frames=${options.frames}&path=${options.path}&format=gif&size=${DOWNLOAD_SIDE}`;
  const [a, b] = options.photos ?? ['a.png', 'b.png'];
  return [
    options.photos
      ? "# With your photos: two faces the API finds keep their own detail (detail=keep, its default), as on this page:"
      : '# With your own images:',
    `curl -X POST '${url}' \\\n  -F ${fileField('a', a)} -F ${fileField('b', b)} \\\n  -o morph.gif`,
    '',
    "# With the codes shown on this page (the decoder's frames: a code carries no photo detail):",
    curlJson(url, { a: rounded(options.a), b: rounded(options.b) }, 'morph.gif'),
  ].join('\n');
}

export function attributesApiCall(origin: string, modelId: string, latent: Float32Array, edits: Record<string, number>, upload?: UploadedFile): string {
  const url = `${origin}/v1/models/${modelId}/attributes`;
  const faceUrl = `${url}?size=${DOWNLOAD_SIDE}`;
  const attributes = `-F 'attributes=${JSON.stringify(edits)}'`;
  const head = upload
    ? [
        '# With your photo: the API answers with the whole photo edited at its own size, as shown here',
        '# (detail=keep&output=photo, its default for a face it finds; JPEG in, JPEG out).',
        `curl -X POST '${url}' \\\n  -F ${fileField('image', upload.name)} ${attributes} \\\n  -o edited.${upload.format === 'jpeg' ? 'jpg' : 'png'}`,
      ]
    : ['# With your own image (a photo with a face comes back whole, edited; see detail and output in the API docs):', `curl -X POST '${faceUrl}' \\\n  -F image=@face.png ${attributes} \\\n  -o edited.png`];
  return [...head, '', `# With the code shown on this page (the decoder's face, smoothly scaled to ${DOWNLOAD_SIDE} px):`, curlJson(faceUrl, { latent: rounded(latent), attributes: edits }, 'edited.png')].join('\n');
}

export function sampleApiCall(origin: string, modelId: string, seed: number, count: number, temperature: number): string {
  return `curl '${origin}/v1/models/${modelId}/sample?seed=${seed}&n=${count}&temperature=${temperature}&size=${DOWNLOAD_SIDE}' -o samples.png`;
}
