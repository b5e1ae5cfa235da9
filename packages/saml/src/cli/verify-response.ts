import { decodeMessageText } from '../bindings/http-post.ts';
import { type Clock, fixedClock, parseSamlInstant, systemClock } from '../clock.ts';
import { SamlError, type SamlErrorCode } from '../errors.ts';
import { type Certificate, parseCertificate, parsePrivateKey } from '../keys.ts';
import { parseMetadata } from '../metadata/parse.ts';
import { validateResponse } from '../protocol/response.ts';
import { METADATA_LIMITS } from '../xml/parse.ts';
import {
  CliError,
  type CliIo,
  type Command,
  EXIT,
  type OptionValues,
  onePositional,
  stringOption,
  stringOptions,
  UsageError,
} from './command.ts';
import { failureJson, MAX_INPUT_BYTES, readSource, timeoutOption, writeJson } from './io.ts';

/**
 * `federa-saml verify-response`: runs a posted SAML Response through the same validation the SP's
 * ACS uses (`validateResponse`), with the IdP's entity ID and signing certificates taken from its
 * metadata, and prints what the assertion says (exit 0) or the refusal's code and reason (exit 1).
 */
export const verifyResponseCommand: Command = {
  name: 'verify-response',
  usage:
    'federa-saml verify-response (--idp-metadata <file|url> | --idp-entity-id <uri> --idp-cert <pem>...) --sp-entity-id <uri> --acs-url <url> [--in-response-to <id>] [--now <ISO-8601>] [--allow-sha1] [--decryption-key <pem file>] [--timeout <s>] <file|->',
  summary: 'verify a SAML Response as an SP would, against the IdP metadata',
  help: `The response is raw XML, or the base64 SAMLResponse value as posted (URL-encoded or not, or the
whole form body). The IdP's entity ID and signing certificates come from --idp-metadata, or from
--idp-entity-id with one --idp-cert per certificate (PEM or base64, as Entra's "Certificate (Base64)").

  --sp-entity-id     this SP's entity ID: every AudienceRestriction must name it
  --acs-url          this SP's ACS URL: Destination and Recipient must equal it
  --in-response-to   the ID of the AuthnRequest this answers; without it, only an unsolicited
                     (IdP-initiated) response is accepted
  --now              check the time conditions at this instant instead of now (e.g. the IssueInstant
                     of a captured response)
  --allow-sha1       accept RSA-SHA1 signatures and SHA-1 digests
  --decryption-key   the SP's private key (PEM) for an EncryptedAssertion
  --timeout          seconds to wait for a metadata URL (default 10)

Prints JSON: {"ok":true,"nameId":...,"attributes":{...},...} and exits 0, or
{"ok":false,"code":"...","message":"..."} and exits 1.

Example:
  federa-saml verify-response --idp-metadata https://login.example/federationmetadata.xml \\
    --sp-entity-id https://sp.example/saml/metadata/acme/ --acs-url https://sp.example/saml/acs/acme/ \\
    --now 2021-04-09T12:53:30Z response.b64`,
  options: {
    'idp-metadata': { type: 'string' },
    'idp-entity-id': { type: 'string' },
    'idp-cert': { type: 'string', multiple: true },
    'sp-entity-id': { type: 'string' },
    'acs-url': { type: 'string' },
    'in-response-to': { type: 'string' },
    now: { type: 'string' },
    'allow-sha1': { type: 'boolean' },
    'decryption-key': { type: 'string' },
    timeout: { type: 'string' },
  },
  async run(values, positionals, io) {
    const options = readOptions(values, positionals);
    try {
      const idp = await loadIdp(options, io);
      const decryptionKeys = options.decryptionKey
        ? [parsePrivateKey(await readSource(options.decryptionKey, io, { maxBytes: 64 * 1024 }))]
        : [];
      const input = await readSource(options.responseSource, io, { maxBytes: MAX_INPUT_BYTES });
      const result = await validateResponse(decodeMessageText(input), {
        idp,
        sp: { entityId: options.spEntityId, acsUrl: options.acsUrl, decryptionKeys },
        clock: options.clock,
        pendingRequestIds: options.inResponseTo ? [options.inResponseTo] : [],
        allowUnsolicited: !options.inResponseTo,
        allowSha1: options.allowSha1,
      });
      writeJson(io, {
        ok: true,
        nameId: result.nameId,
        nameIdFormat: result.nameIdFormat,
        attributes: result.attributes,
        issuer: result.issuer,
        assertionId: result.assertionId,
        sessionIndex: result.sessionIndex,
        inResponseTo: result.inResponseTo,
        responseId: result.responseId,
        signed: result.signed,
        encrypted: result.encrypted,
        notOnOrAfter: result.notOnOrAfter.toISOString(),
      });
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof SamlError || error instanceof CliError)) throw error;
      writeJson(io, failureJson(error, hintFor(error.code, options)));
      return EXIT.failed;
    }
  },
};

interface VerifyResponseOptions {
  idp: { metadata: string } | { entityId: string; certificates: string[] };
  spEntityId: string;
  acsUrl: string;
  inResponseTo: string | undefined;
  clock: Clock;
  now: string | undefined;
  allowSha1: boolean;
  decryptionKey: string | undefined;
  timeoutMs: number;
  responseSource: string;
}

function readOptions(values: OptionValues, positionals: string[]): VerifyResponseOptions {
  const metadata = stringOption(values, 'idp-metadata');
  const entityId = stringOption(values, 'idp-entity-id');
  const certificates = stringOptions(values, 'idp-cert');
  if (metadata !== undefined && (entityId !== undefined || certificates.length > 0)) {
    throw new UsageError('give either --idp-metadata, or --idp-entity-id with --idp-cert, not both');
  }
  if (metadata === undefined && (entityId === undefined || certificates.length === 0)) {
    throw new UsageError('--idp-metadata is required (or --idp-entity-id with at least one --idp-cert)');
  }
  const spEntityId = stringOption(values, 'sp-entity-id', true);
  const acsUrl = stringOption(values, 'acs-url', true);
  const now = stringOption(values, 'now');
  let clock = systemClock;
  if (now !== undefined) {
    const instant = parseSamlInstant(now);
    if (!instant) throw new UsageError('--now must be an ISO-8601 UTC date-time, e.g. 2021-04-09T12:53:30Z');
    clock = fixedClock(instant);
  }
  return {
    idp: metadata !== undefined ? { metadata } : { entityId: entityId!, certificates },
    spEntityId,
    acsUrl,
    inResponseTo: stringOption(values, 'in-response-to'),
    clock,
    now,
    allowSha1: values['allow-sha1'] === true,
    decryptionKey: stringOption(values, 'decryption-key'),
    timeoutMs: timeoutOption(stringOption(values, 'timeout')),
    responseSource: onePositional(positionals, 'response file (or - for stdin)'),
  };
}

/** The IdP's entity ID and every signing certificate, from its metadata or from the flags. */
async function loadIdp(
  options: VerifyResponseOptions,
  io: CliIo,
): Promise<{ entityId: string; signingCertificates: Certificate[] }> {
  if ('certificates' in options.idp) {
    const signingCertificates: Certificate[] = [];
    for (const file of options.idp.certificates) {
      signingCertificates.push(parseCertificate(await readSource(file, io, { maxBytes: 64 * 1024 })));
    }
    return { entityId: options.idp.entityId, signingCertificates };
  }
  const xml = await readSource(
    options.idp.metadata,
    io,
    { maxBytes: METADATA_LIMITS.maxChars, timeoutMs: options.timeoutMs },
    true,
  );
  const metadata = parseMetadata(xml, { role: 'idp', allowSha1: options.allowSha1 });
  return { entityId: metadata.entityId, signingCertificates: metadata.idp!.signingCertificates };
}

/** What to change on this command line, for the refusals a flag can explain. */
function hintFor(
  code: SamlError['code'] | CliError['code'],
  options: VerifyResponseOptions,
): string | undefined {
  const hints: Partial<Record<SamlErrorCode, string>> = {
    EXPIRED: options.now
      ? `(Checked at --now ${options.now}.)`
      : '(Checked at the current time; to check a captured response, pass --now <its IssueInstant>.)',
    NOT_YET_VALID: options.now
      ? `(Checked at --now ${options.now}.)`
      : "(Checked at the current time; is this machine's clock right?)",
    AUDIENCE_MISMATCH: `(--sp-entity-id is ${options.spEntityId}.)`,
    DESTINATION_MISMATCH: '(Compare with --acs-url.)',
    RECIPIENT_MISMATCH: '(Compare with --acs-url.)',
    IN_RESPONSE_TO_UNEXPECTED: '(Pass the AuthnRequest ID with --in-response-to.)',
    IN_RESPONSE_TO_MISMATCH: options.inResponseTo
      ? `(--in-response-to is ${options.inResponseTo}.)`
      : undefined,
    UNSOLICITED_NOT_ALLOWED: '(The response has no InResponseTo: leave out --in-response-to.)',
    SIGNATURE_ALGORITHM_FORBIDDEN: options.allowSha1
      ? undefined
      : '(If this IdP can only do SHA-1, pass --allow-sha1.)',
    DECRYPTION_KEY_MISSING: '(Pass the SP private key with --decryption-key.)',
  };
  return hints[code as SamlErrorCode];
}
