import { parseArgs } from 'node:util';
import type { ApiClient } from './client.ts';
import { UsageError } from './client.ts';
import type { Io } from './output.ts';

/** What every API command gets: the client, where to write, and whether to print JSON. */
export interface CommandContext {
  api: ApiClient;
  io: Io;
  json: boolean;
}

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Strict flag parsing; a wrong flag is a usage error that shows the command's usage. */
export function parse(args: string[], options: OptionSpec, usage: string, positionals: number): Parsed {
  let parsed: Parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true }) as Parsed;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\nUsage: ${usage}`);
  }
  if (parsed.positionals.length !== positionals) {
    throw new UsageError(
      `${parsed.positionals.length < positionals ? 'Missing' : 'Unexpected'} argument(s).\n\nUsage: ${usage}`,
    );
  }
  return parsed;
}

export function text(parsed: Parsed, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function required(parsed: Parsed, name: string, usage: string): string {
  const value = text(parsed, name);
  if (value === undefined || value.trim() === '')
    throw new UsageError(`--${name} is required.\n\nUsage: ${usage}`);
  return value;
}

export function list(parsed: Parsed, name: string): string[] | undefined {
  const value = parsed.values[name];
  return Array.isArray(value) ? value : undefined;
}

/** `yes`/`no` (also true/false, on/off) for a boolean setting. */
export function yesNo(parsed: Parsed, name: string, usage: string): boolean | undefined {
  const value = text(parsed, name);
  if (value === undefined) return undefined;
  if (/^(yes|true|on|1)$/i.test(value)) return true;
  if (/^(no|false|off|0)$/i.test(value)) return false;
  throw new UsageError(`--${name} takes yes or no (got "${value}").\n\nUsage: ${usage}`);
}

/** A value for a URL path segment. */
export const seg = (value: string) => encodeURIComponent(value);

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isGuid = (value: string) => GUID.test(value);
