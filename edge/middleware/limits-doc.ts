import { MAX_JPEG_SCANS } from '#core/image/jpeg.ts';
import { SCALED_JPEG_LIMITS } from '#core/image/upload.ts';
import { ERROR_BODY_LIMITS } from './errors.ts';
import { LIMITS, NODE_SERVER_LIMITS } from '../schemas.ts';

type Operation = { responses?: Record<string, unknown> };
type Document = { info: { description?: string }; paths?: object };

const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

const { deadlineMs, maxPending, maxPendingBytes, bodyTimeoutMs } = NODE_SERVER_LIMITS;
const SAFETY_NOTE =
  ` Limits: images are checked from their header (≤ 4096 px a side, 16 MP; the Node server reads a JPEG of up to ${SCALED_JPEG_LIMITS.maxPixels} pixels, ${SCALED_JPEG_LIMITS.maxWidth} px a side, at reduced scale, within those limits); PNG pixel data may not inflate past what the header declares, ` +
  `a GIF's first frame (the only one read) must lie inside its screen, a JPEG may hold at most ${MAX_JPEG_SCANS} scans; all output images of one ` +
  `response together ≤ ${LIMITS.outputPixels} pixels; error bodies stay under ${ERROR_BODY_LIMITS.detailsBytes} bytes of details. On the Node server ` +
  `each request may run ${deadlineMs / 1000} s, ${maxPending} requests (${maxPendingBytes / 2 ** 20} MiB of bodies) may be in progress, and a body must arrive within ${bodyTimeoutMs / 1000} s.`;

/** Adds the responses every route can give under the server's limits (405, 408, 503) and a summary of the limits. */
export function withSafetyResponses<T extends Document>(doc: T): T {
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Record<string, unknown> | undefined>)) {
    for (const [method, op] of Object.entries(item ?? {})) {
      const responses = ((op as Operation).responses ??= {});
      responses[405] ??= error('Another method on this path: the `Allow` header lists the right ones');
      if (method === 'post') responses[408] ??= error(`The body did not arrive within ${bodyTimeoutMs / 1000} s (Node server)`);
      // On Node everything but health runs on the pool, so any of it can meet the admission limit or the deadline.
      if (path !== '/v1/health') {
        responses[503] ??= error(
          `overloaded: over ${maxPending} requests or ${maxPendingBytes / 2 ** 20} MiB of bodies in progress; deadline_exceeded: the request ran over ${deadlineMs / 1000} s (Node server). \`Retry-After\` says when to retry.`,
        );
      }
    }
  }
  doc.info.description = (doc.info.description ?? '') + SAFETY_NOTE;
  return doc;
}
