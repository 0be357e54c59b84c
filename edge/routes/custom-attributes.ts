import { createRoute, z } from '@hono/zod-openapi';
import type { HonoRequest } from 'hono';
import { customToken, CUSTOM_PREFIX, TEACH_EXAMPLES, teachAttribute } from '#core/custom-attribute.ts';
import { InputError } from '#core/errors.ts';
import { LatentSchema, ModelParams } from '../schemas.ts';
import { AlignQuery, prepareImage, type AlignMode } from './alignment.ts';
import { isJsonType, parseJsonField, type OperationInput } from './inputs.ts';
import { encodeInputs, requireModel } from './model-access.ts';
import { curlExample, errors, IMAGE_OR_LATENT } from './openapi-parts.ts';
import type { OperationServices } from './operands.ts';


const examples = z.array(LatentSchema).min(TEACH_EXAMPLES.min).max(TEACH_EXAMPLES.max);
export const TeachJson = z.object({ positive: examples, negative: examples }).openapi('TeachAttributeRequest');

export const TaughtAttributeResponse = z
  .object({
    model: z.string(),
    vector: z.array(z.number()),
    positives: z.number().int(),
    negatives: z.number().int(),
    cosines: z.record(z.string(), z.number()).openapi({ description: 'Cosine of the taught vector with each of the model’s own attribute vectors.' }),
    suggestedStrength: z.number(),
    leaveOneOutAccuracy: z.number().openapi({ description: 'Share of the examples on their own side when each is left out: near 0.5 means the examples disagree.' }),
    token: z.string().openapi({ description: `Apply it as the attribute name "${CUSTOM_PREFIX}<token>" in any attributes request. Nothing is stored on the server.` }),
  })
  .openapi('TaughtAttribute');

export const teachRoute = createRoute({
  method: 'post',
  path: '/{id}/attributes/custom',
  tags: ['operations'],
  summary: 'Teach a new attribute from a few examples that have it and a few that lack it',
  description: `Repeated multipart fields \`positive\` and \`negative\` (${IMAGE_OR_LATENT}), ${TEACH_EXAMPLES.min}–${TEACH_EXAMPLES.max} of each, or JSON {positive: [latent…], negative: [latent…]}. The vector is the mean code of the positives minus that of the negatives.`,
  ...curlExample(`curl -F positive=@hat1.jpg -F positive=@hat2.jpg -F negative=@bare1.jpg -F negative=@bare2.jpg $API/v1/models/faces/attributes/custom`),
  request: {
    params: ModelParams,
    query: AlignQuery,
    // Not required: zod-openapi would then refuse every body that is not JSON, multipart included.
    body: {
      required: false,
      content: {
        'application/json': { schema: TeachJson },
        'multipart/form-data': { schema: { type: 'object' as const, required: ['positive', 'negative'], properties: { positive: { description: IMAGE_OR_LATENT }, negative: { description: IMAGE_OR_LATENT } } } },
      },
    },
  },
  responses: { 200: { description: 'The taught attribute and its token', content: { 'application/json': { schema: TaughtAttributeResponse } } }, ...errors },
});

async function readExamples(request: HonoRequest): Promise<{ positive: OperationInput[]; negative: OperationInput[] }> {
  if (isJsonType(request.header('Content-Type'))) {
    // Already checked by the route's JSON validator (zod-openapi); parsed again for its type.
    const body = TeachJson.parse(await request.json());
    return { positive: body.positive.map((value) => ({ kind: 'latent', value })), negative: body.negative.map((value) => ({ kind: 'latent', value })) };
  }
  let form: FormData;
  try {
    form = await request.raw.formData();
  } catch {
    throw new InputError(400, 'invalid_multipart', 'send multipart/form-data with repeated fields "positive" and "negative", or JSON');
  }
  const side = async (name: 'positive' | 'negative') => {
    const values = form.getAll(name);
    if (values.length < TEACH_EXAMPLES.min || values.length > TEACH_EXAMPLES.max) {
      throw new InputError(422, 'invalid_examples', `send ${TEACH_EXAMPLES.min}–${TEACH_EXAMPLES.max} fields "${name}" (${IMAGE_OR_LATENT}); got ${values.length}`);
    }
    return Promise.all(values.map(async (value): Promise<OperationInput> => (typeof value === 'string' ? { kind: 'latent', value: parseJsonField(value, name) } : { kind: 'image', bytes: new Uint8Array(await value.arrayBuffer()) })));
  };
  return { positive: await side('positive'), negative: await side('negative') };
}

/** Encodes every example (images aligned as in the other operations) and teaches the attribute. */
export async function teachFromRequest(services: OperationServices, id: string, request: HonoRequest, align: AlignMode) {
  const runtime = await requireModel(services.registry, id);
  const { positive, negative } = await readExamples(request);
  const names = [...positive.map((_, k) => `positive ${k + 1}`), ...negative.map((_, k) => `negative ${k + 1}`)];
  const inputs = Object.fromEntries([...positive, ...negative].map((input, k) => [names[k], input]));
  const { input } = runtime.model.manifest;
  const prepare = async (image: Parameters<typeof prepareImage>[0]) => (await prepareImage(image, input, align, services.aligner)).pixels;
  const codes = await encodeInputs(runtime, inputs, names, { limits: services.imageLimits, decoders: services.decoders }, prepare);
  const taught = teachAttribute(codes.slice(0, positive.length), codes.slice(positive.length), runtime.model.attributes.attributes);
  const round = (v: number) => Number(v.toPrecision(6));
  return {
    model: id,
    vector: Array.from(taught.vector, round),
    positives: positive.length,
    negatives: negative.length,
    cosines: Object.fromEntries(Object.entries(taught.cosines).map(([name, c]) => [name, Number(c.toFixed(4))])),
    suggestedStrength: taught.suggestedStrength,
    leaveOneOutAccuracy: Number(taught.leaveOneOutAccuracy.toFixed(4)),
    token: customToken(id, taught.vector),
  };
}
