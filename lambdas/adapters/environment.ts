import { z } from 'zod';
import { describeIssues } from '../core/validation.js';

/**
 * Reads a function's configuration from its environment once, at cold start, and fails the container
 * with a message naming every missing or bad variable (rather than failing later, per request).
 */
export function readEnvironment<T extends z.ZodRawShape>(
  shape: T,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<T>> {
  const parsed = z.object(shape).safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid function configuration: ${describeIssues(parsed.error.issues)}`);
  }
  return parsed.data;
}

export const requiredString = z.string({ error: 'required' }).min(1, 'required');
