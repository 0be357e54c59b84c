import { zValidator } from '@hono/zod-validator';
import type { MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { z } from 'zod';
import type { RgbaImage } from '#core/image/decode.ts';
import { readIccProfile } from '#core/image/icc.ts';
import type { JpegEncoder } from '#core/image/jpeg-codec.ts';
import type { ImageDecoders } from '#core/image/upload.ts';
import type { ImageFormat, ImageLimits } from '#core/image/sniff.ts';
import type { Latent } from '#core/latent.ts';
import { faceSource, type FaceSource } from '#core/photo/detail.ts';
import type { ModelRegistry } from '#core/registry.ts';
import type { ModelRuntime } from '#core/runtime.ts';
import { validationHook } from '../middleware/errors.ts';
import { ModelParams, type StrengthsSchema } from '../schemas.ts';
import { ALIGN_HEADER, AlignQuery, prepareImage, type AlignerProvider, type AlignMode, type AlignReport } from './alignment.ts';
import { isJsonType, readInputs, type InputRules } from './inputs.ts';
import { encodeInputs, requireModel } from './model-access.ts';
import type { Subject } from './photo-output.ts';

/** What the operation routes are built on; each runtime hands in its own (app.ts). */
export interface OperationServices {
  registry: ModelRegistry;
  imageLimits: ImageLimits;
  aligner?: AlignerProvider;
  decoders: ImageDecoders;
  jpegEncoder?: JpegEncoder;
}

export type OperationEnv = { Variables: { services: OperationServices } };

/** The inputs of one operation, encoded: what every handler starts from. */
export interface Operands {
  runtime: ModelRuntime;
  /** One code per named input, in the order the route names them. */
  latents: Latent[];
  strengths?: z.infer<typeof StrengthsSchema>;
  /** The same inputs as the photo renderers need them (routes/photo-output.ts). */
  subjects: Subject[];
  faceModel: boolean;
}

export type OperandsEnv = { Variables: { services: OperationServices; operands: Operands } };

export interface OperandSpec extends InputRules {
  /** The input names, e.g. ['a', 'b']. */
  names: readonly string[];
  /** The route's own query schema (validated first, see below). */
  query: z.ZodType;
}

/** Hands the operation routes their services as `c.var.services`. */
export const provideServices = (services: OperationServices) =>
  createMiddleware<OperationEnv>(async (c, next) => {
    c.set('services', services);
    await next();
  });

/**
 * Reads, decodes, aligns and encodes an operation's inputs and sets `c.var.operands`. zod-openapi runs a route's
 * middleware before the route's validators, so this validates query, path and JSON body first with the route's own
 * schemas (the same errors, before any image is decoded); the route's validators then see data already checked.
 */
export function prepareOperands(spec: OperandSpec): MiddlewareHandler<OperandsEnv> {
  const checks = [zValidator('query', spec.query, validationHook), zValidator('param', ModelParams, validationHook)];
  const checkJson = spec.json && zValidator('json', spec.json, validationHook);
  const passes = async (check: MiddlewareHandler, c: Parameters<MiddlewareHandler>[0]) => (await check(c, async () => undefined)) ?? undefined;
  return createMiddleware<OperandsEnv>(async (c, next) => {
    for (const check of checkJson && isJsonType(c.req.header('Content-Type')) ? [...checks, checkJson] : checks) {
      const refusal = await passes(check, c);
      if (refusal) return refusal;
    }
    const { align } = AlignQuery.parse({ align: c.req.query('align') });
    const read = await readInputs(c.req, spec.names, spec);
    const { operands, alignHeader } = await encodeOperands(c.var.services, ModelParams.parse(c.req.param()).id, spec, align, read);
    if (alignHeader) c.header(ALIGN_HEADER, alignHeader);
    c.set('operands', operands);
    await next();
  });
}

async function encodeOperands(services: OperationServices, id: string, spec: OperandSpec, align: AlignMode, read: Awaited<ReturnType<typeof readInputs>>) {
  const runtime = await requireModel(services.registry, id);
  const { input } = runtime.model.manifest;
  const reports: Record<string, AlignReport> = {};
  const sources: Record<string, FaceSource> = {};
  const prepare = async (image: RgbaImage, name: string, format: ImageFormat, bytes: Uint8Array) => {
    const prepared = await prepareImage(image, input, align, services.aligner);
    if (prepared.report) reports[name] = prepared.report;
    if (prepared.placement) sources[name] = faceSource(image, format, prepared.placement.toModel, input, prepared.placement.landmarks, readIccProfile(bytes, format));
    return prepared.pixels;
  };
  const latents = await encodeInputs(runtime, read.inputs, spec.names, { limits: services.imageLimits, decoders: services.decoders }, prepare);
  const subjects: Subject[] = spec.names.map((name, k) => ({ name, latent: latents[k], source: sources[name], aligned: reports[name]?.applied === true }));
  const operands: Operands = { runtime, latents, strengths: read.strengths, subjects, faceModel: input.face !== undefined };
  return { operands, alignHeader: Object.keys(reports).length ? JSON.stringify(reports) : undefined };
}
