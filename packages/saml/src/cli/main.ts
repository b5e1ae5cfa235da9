import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SamlError } from '../errors.ts';
import { CliError, type CliIo, type Command, EXIT, UsageError } from './command.ts';
import { inspectCommand } from './inspect.ts';
import { keygenCommand } from './keygen.ts';
import { verifyMetadataCommand } from './verify-metadata.ts';
import { verifyResponseCommand } from './verify-response.ts';

/** Every command, in the order `federa-saml help` lists them. */
const COMMANDS: readonly Command[] = [
  inspectCommand,
  verifyResponseCommand,
  verifyMetadataCommand,
  keygenCommand,
];

const processIo: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: federa-saml <command> [options]',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'federa-saml <command> --help' for a command's options and an example.",
    'Exit status: 0 done (verified), 1 refused or failed (the reason is printed), 2 wrong usage.',
    '',
  ].join('\n');
}

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return `federa-saml ${manifest.version}\n`;
}

/**
 * Runs `federa-saml` with `argv` (the arguments after the program name) and returns the exit status:
 * 0 done, 1 the input was refused or could not be read, 2 the command line was wrong.
 *
 * @example
 * process.exitCode = await main(['verify-metadata', 'metadata.xml']);
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(overview());
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = rest[0] === undefined ? undefined : COMMANDS.find((c) => c.name === rest[0]);
    io.stdout.write(topic ? commandHelp(topic) : overview());
    return EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(version());
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`federa-saml: unknown command '${name}'\n\n${overview()}`);
    return EXIT.usage;
  }

  try {
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({
        args: [...rest],
        options: { ...command.options, help: { type: 'boolean', short: 'h' } },
        allowPositionals: true,
        strict: true,
      });
    } catch (error) {
      // node:util parseArgs: unknown option, missing option value, and the like.
      throw new UsageError((error as Error).message);
    }
    if (parsed.values.help) {
      io.stdout.write(commandHelp(command));
      return EXIT.ok;
    }
    return await command.run(parsed.values, parsed.positionals, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`federa-saml ${command.name}: ${error.message}\nusage: ${command.usage}\n`);
      return EXIT.usage;
    }
    if (error instanceof SamlError || error instanceof CliError) {
      io.stderr.write(`federa-saml ${command.name}: ${error.code}: ${error.message}\n`);
      return EXIT.failed;
    }
    io.stderr.write(`federa-saml ${command.name}: unexpected error: ${(error as Error).stack ?? error}\n`);
    return EXIT.failed;
  }
}

function commandHelp(command: Command): string {
  return `usage: ${command.usage}\n\n${command.summary}.\n\n${command.help}\n`;
}
