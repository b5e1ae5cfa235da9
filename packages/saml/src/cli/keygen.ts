import { type FileHandle, open, rm } from 'node:fs/promises';
import { generateCredential } from '../keygen.ts';
import { parseCertificate } from '../keys.ts';
import { CliError, type Command, EXIT, stringOption, UsageError } from './command.ts';

/**
 * `federa-saml keygen --cn <name> [--years 3] [--out <prefix>]`: an RSA-2048 key and a self-signed
 * certificate, as an IdP's SAML signing certificate or an SP's signing/encryption certificate.
 */
export const keygenCommand: Command = {
  name: 'keygen',
  usage: 'federa-saml keygen --cn <name> [--years <n>] [--out <prefix>]',
  summary: 'make an RSA-2048 key and a self-signed certificate (PEM)',
  help: `Prints the private key and then the certificate, both PEM, to stdout; with --out, writes
<prefix>.key.pem (mode 0600) and <prefix>.crt.pem instead and prints the certificate's thumbprint.
Existing files are never overwritten.

  --cn     the certificate subject's common name, e.g. "Federa Directory SSO"
  --years  validity in whole years, 1 to 30 (default 3, as Entra)
  --out    path prefix of the two files

Example:
  federa-saml keygen --cn 'Workspace SAML signing' --out ./data/sp-signing`,
  options: {
    cn: { type: 'string' },
    years: { type: 'string' },
    out: { type: 'string' },
  },
  async run(values, positionals, io) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const cn = stringOption(values, 'cn', true);
    const yearsText = stringOption(values, 'years') ?? '3';
    if (!/^\d{1,2}$/.test(yearsText) || Number(yearsText) < 1 || Number(yearsText) > 30) {
      throw new UsageError('--years must be a whole number from 1 to 30');
    }
    const out = stringOption(values, 'out');
    const { keyPem, certPem } = await generateCredential({ cn, years: Number(yearsText) });
    if (out === undefined) {
      io.stdout.write(keyPem + certPem);
      return EXIT.ok;
    }
    const certificate = parseCertificate(certPem);
    await writeNewFiles([
      { path: `${out}.key.pem`, text: keyPem, mode: 0o600 },
      { path: `${out}.crt.pem`, text: certPem, mode: 0o644 },
    ]);
    io.stdout.write(
      `${out}.key.pem  private key (mode 0600)\n${out}.crt.pem  certificate ${certificate.subject}, ` +
        `SHA-1 thumbprint ${certificate.thumbprint}, valid until ${certificate.notAfter.toISOString()}\n`,
    );
    return EXIT.ok;
  },
};

/**
 * Creates every file with its mode from the start (a key is never a moment world-readable). Refuses to
 * overwrite: all files are created before any is written, and none is left behind when one exists.
 */
async function writeNewFiles(files: readonly { path: string; text: string; mode: number }[]): Promise<void> {
  const opened: { handle: FileHandle; path: string; text: string; mode: number }[] = [];
  try {
    for (const file of files) {
      try {
        opened.push({ ...file, handle: await open(file.path, 'wx', file.mode) });
      } catch (error) {
        const code = (error as { code?: string }).code;
        throw new CliError(
          'OUTPUT_UNWRITABLE',
          code === 'EEXIST'
            ? `${file.path} already exists; choose another --out.`
            : `${file.path} could not be created (${code ?? 'error'}).`,
        );
      }
    }
    for (const file of opened) {
      await file.handle.writeFile(file.text);
      // The umask may have narrowed the mode at creation; set it exactly.
      await file.handle.chmod(file.mode);
    }
  } catch (error) {
    await Promise.all(opened.map((file) => rm(file.path, { force: true })));
    throw error;
  } finally {
    await Promise.all(opened.map((file) => file.handle.close()));
  }
}
