import { z } from 'zod';

export const positiveInt = z.number().int().positive();
export const nonNegativeInt = z.number().int().nonnegative();
/** Optional per-layer name, used in error messages and to address an activation (e.g. the sparse-code penalty). */
export const named = { name: z.string().min(1).optional() };
