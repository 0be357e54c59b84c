// The platform-neutral core: web-standard APIs only, shared by the API on Node and Workers and by the site.
export * from './errors.ts';
export * from './manifest.ts';
export * from './model-loader.ts';
export * from './sha256.ts';
export * from './latent.ts';
export * from './random.ts';
export * from './runtime.ts';
export * from './registry.ts';
export * from './image/sniff.ts';
export * from './image/decode.ts';
export * from './image/preprocess.ts';
export * from './image/encode.ts';
export type { ResizeKernel } from './image/resample.ts';
export * from './fetch-source.ts';
