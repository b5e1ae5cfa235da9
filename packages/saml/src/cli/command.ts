import type { ParseArgsOptionsConfig } from 'node:util';
import type { SamlErrorCode } from '../errors.ts';

/** Exit codes of every federa-saml command. */
export const EXIT = {
  /** Done; for the verify commands: verified. */
  ok: 0,
  /** The input was read and refused (or could not be read): the reason is printed. */
  failed: 1,
  /** The command line was wrong: a usage line goes to stderr. */
  usage: 2,
} as const;

/** Where a command reads and writes; `process`'s streams in the real command. */
export interface CliIo {
  stdin: AsyncIterable<Buffer | string> & { isTTY?: boolean };
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** The values `node:util` parseArgs returns for a command's options. */
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface Command {
  name: string;
  /** One line: `federa-saml <name> <arguments>`. */
  usage: string;
  summary: string;
  /** Longer help: what each option means, and an example that runs. */
  help: string;
  options: ParseArgsOptionsConfig;
  run(values: OptionValues, positionals: string[], io: CliIo): Promise<number>;
}

/** The command line is wrong; `main` prints the message and the command's usage line and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Failures that belong to the command line tool, not to SAML: files and URLs. */
export type CliErrorCode = SamlErrorCode | 'INPUT_UNREADABLE' | 'OUTPUT_UNWRITABLE' | 'METADATA_FETCH_FAILED';

export class CliError extends Error {
  readonly code: CliErrorCode;
  constructor(code: CliErrorCode, message: string) {
    super(message);
    this.name = 'CliError';
    this.code = code;
  }
}

/** The value of a string option, or a UsageError when it is required and absent (or empty). */
export function stringOption(values: OptionValues, name: string, required: true): string;
export function stringOption(values: OptionValues, name: string, required?: false): string | undefined;
export function stringOption(values: OptionValues, name: string, required = false): string | undefined {
  const value = values[name];
  if (typeof value === 'string' && value !== '') return value;
  if (value === '') throw new UsageError(`--${name} must not be empty`);
  if (required) throw new UsageError(`--${name} is required`);
  return undefined;
}

/** Every value of a repeatable string option. */
export function stringOptions(values: OptionValues, name: string): string[] {
  const value = values[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

/** The one positional argument (a file, `-` or a URL); `fallback` when absent, else a UsageError. */
export function onePositional(positionals: string[], what: string, fallback?: string): string {
  if (positionals.length > 1) throw new UsageError(`expected one ${what}, got ${positionals.length}`);
  const value = positionals[0] ?? fallback;
  if (value === undefined) throw new UsageError(`the ${what} is missing`);
  return value;
}
