import type { FastifyRequest } from 'fastify';
import { FormErrors } from '../errors.ts';

/** The posted form as strings (fields posted twice keep the last value). */
export function formOf(request: FastifyRequest): Record<string, string> {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') out[key] = value;
    else if (Array.isArray(value) && typeof value.at(-1) === 'string') out[key] = value.at(-1) as string;
  }
  return out;
}

/** Every value posted for `name` (a multiple select or repeated checkboxes), in order. */
export function allValuesOf(request: FastifyRequest, name: string): string[] {
  const value = ((request.body ?? {}) as Record<string, unknown>)[name];
  if (typeof value === 'string') return value === '' ? [] : [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];
}

/** A checkbox / yes-no radio value. */
export function yes(value: string | undefined): boolean {
  return value === 'on' || value === 'yes' || value === 'true' || value === '1';
}

/** Runs a service call; FormErrors come back as field errors (shown beside the fields), others propagate. */
export async function attempt<T>(
  fn: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; errors: Record<string, string> }> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    if (error instanceof FormErrors) return { ok: false, errors: error.fields };
    throw error;
  }
}

/** A local path to return to after signing in: same origin only (never `//host` or a scheme). */
export function safeReturnPath(value: string | undefined, fallback: string): string {
  if (!value?.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || /[\r\n]/.test(value)) {
    return fallback;
  }
  return value;
}

export function queryOf(request: FastifyRequest): Record<string, string> {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) if (typeof value === 'string') out[key] = value;
  return out;
}
