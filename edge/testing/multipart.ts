/** A multipart/form-data body as bytes, for load tools that replay one body: files as PNG parts, strings as fields. */
export async function multipartBody(fields: Record<string, Uint8Array | string>): Promise<{ body: Uint8Array; contentType: string }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string') form.set(name, value);
    else form.set(name, new Blob([value as BlobPart], { type: 'image/png' }), `${name}.png`);
  }
  const response = new Response(form);
  return { body: new Uint8Array(await response.arrayBuffer()), contentType: response.headers.get('content-type')! };
}
