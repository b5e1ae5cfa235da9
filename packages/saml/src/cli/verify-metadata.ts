import { type Clock, fixedClock, parseSamlInstant, systemClock } from '../clock.ts';
import { SamlError } from '../errors.ts';
import { type Certificate, parseCertificate } from '../keys.ts';
import { parseMetadata } from '../metadata/parse.ts';
import type { EntityDescriptor, IdpDescriptor, SpDescriptor } from '../metadata/types.ts';
import { METADATA_LIMITS } from '../xml/parse.ts';
import {
  CliError,
  type Command,
  EXIT,
  onePositional,
  stringOption,
  stringOptions,
  UsageError,
} from './command.ts';
import { failureJson, readSource, timeoutOption, writeJson } from './io.ts';

/**
 * `federa-saml verify-metadata <file|url>`: parses SAML metadata as Federa does when an admin imports
 * it, and reports the entity, its roles, endpoints, certificates (thumbprint, expiry) and what its
 * signature proves, as JSON.
 */
export const verifyMetadataCommand: Command = {
  name: 'verify-metadata',
  usage:
    'federa-saml verify-metadata [--trusted-cert <pem file>]... [--now <ISO-8601>] [--allow-sha1] [--timeout <s>] <file|url|->',
  summary: 'parse SAML metadata; report entity, roles, endpoints, certificates and signature',
  help: `Parses the metadata (an EntityDescriptor, or an EntitiesDescriptor holding one) with the same
strict parser and rules as an import in Federa, and prints JSON: entityID, roles, endpoints, every
certificate (SHA-1 thumbprint as Entra shows it, SHA-256, validity, expired or not) and the signature
status:
  verified-trusted  signed, verified with a --trusted-cert
  verified-self     signed, verified with a certificate the metadata itself lists: the document is
                    intact, but this does not prove who published it (compare the thumbprint)
  absent            not signed
A signature that does not verify is a failure (exit 1), as is anything Federa would refuse to import.

  --trusted-cert  a certificate (PEM or base64) the metadata must be signed with; repeatable
  --now           judge certificate expiry and validUntil at this instant instead of now
  --allow-sha1    accept a SHA-1 signature on the metadata
  --timeout       seconds to wait for a URL (default 10)

Example:
  federa-saml verify-metadata 'https://login.example/tenant/federationmetadata/2007-06/federationmetadata.xml?appid=…'`,
  options: {
    'trusted-cert': { type: 'string', multiple: true },
    now: { type: 'string' },
    'allow-sha1': { type: 'boolean' },
    timeout: { type: 'string' },
  },
  async run(values, positionals, io) {
    const source = onePositional(positionals, 'metadata file or URL');
    const timeoutMs = timeoutOption(stringOption(values, 'timeout'));
    const now = stringOption(values, 'now');
    let clock: Clock = systemClock;
    if (now !== undefined) {
      const instant = parseSamlInstant(now);
      if (!instant)
        throw new UsageError('--now must be an ISO-8601 UTC date-time, e.g. 2024-01-31T00:00:00Z');
      clock = fixedClock(instant);
    }
    try {
      const trusted: Certificate[] = [];
      for (const file of stringOptions(values, 'trusted-cert')) {
        trusted.push(parseCertificate(await readSource(file, io, { maxBytes: 64 * 1024 })));
      }
      const xml = await readSource(source, io, { maxBytes: METADATA_LIMITS.maxChars, timeoutMs }, true);
      const entity = parseMetadata(xml, {
        trustedKeys: trusted.length > 0 ? trusted.map((c) => c.publicKey) : undefined,
        allowSha1: values['allow-sha1'] === true,
      });
      writeJson(io, report(entity, clock.now()));
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof SamlError || error instanceof CliError)) throw error;
      writeJson(io, failureJson(error));
      return EXIT.failed;
    }
  },
};

function report(entity: EntityDescriptor, now: Date): Record<string, unknown> {
  const warnings: string[] = [];
  if (entity.validUntil && entity.validUntil.getTime() <= now.getTime()) {
    warnings.push(`The metadata expired at ${entity.validUntil.toISOString()} (validUntil): fetch it again.`);
  }
  if (entity.signature === 'absent') {
    warnings.push('The metadata is not signed: trust it only as far as you trust where it came from.');
  } else if (entity.signature === 'verified-self') {
    warnings.push(
      'The signature was checked with a certificate the metadata itself lists: it proves the document is intact, not who published it. Compare the thumbprint with the one your IdP shows.',
    );
  }
  const roles: string[] = [];
  const result: Record<string, unknown> = {
    ok: true,
    entityId: entity.entityId,
    id: entity.id ?? null,
    validUntil: entity.validUntil?.toISOString() ?? null,
    signature: entity.signature,
    roles,
  };
  if (entity.idp) {
    roles.push('idp');
    result.idp = idpReport(entity.idp, now, warnings);
  }
  if (entity.sp) {
    roles.push('sp');
    result.sp = spReport(entity.sp, now, warnings);
  }
  result.warnings = warnings;
  return result;
}

function idpReport(idp: IdpDescriptor, now: Date, warnings: string[]) {
  return {
    wantAuthnRequestsSigned: idp.wantAuthnRequestsSigned,
    singleSignOnServices: idp.singleSignOnServices,
    singleLogoutServices: idp.singleLogoutServices,
    nameIdFormats: idp.nameIdFormats,
    signingCertificates: certificates(idp.signingCertificates, now, 'IdP signing', warnings),
    encryptionCertificates: certificates(idp.encryptionCertificates, now, null, warnings),
  };
}

function spReport(sp: SpDescriptor, now: Date, warnings: string[]) {
  return {
    authnRequestsSigned: sp.authnRequestsSigned,
    wantAssertionsSigned: sp.wantAssertionsSigned,
    assertionConsumerServices: sp.assertionConsumerServices,
    singleLogoutServices: sp.singleLogoutServices,
    nameIdFormats: sp.nameIdFormats,
    signingCertificates: certificates(sp.signingCertificates, now, 'SP signing', warnings),
    encryptionCertificates: certificates(sp.encryptionCertificates, now, 'SP encryption', warnings),
  };
}

/** Each certificate as an admin compares it; expired ones are reported (SAML peers still use them). */
function certificates(list: readonly Certificate[], now: Date, role: string | null, warnings: string[]) {
  return list.map((certificate) => {
    const expired = certificate.notAfter.getTime() <= now.getTime();
    if (expired && role) {
      warnings.push(
        `The ${role} certificate ${certificate.thumbprint} expired at ${certificate.notAfter.toISOString()}.`,
      );
    }
    return {
      subject: certificate.subject.replace(/\n/g, ', '),
      thumbprint: certificate.thumbprint,
      sha256: certificate.sha256,
      notBefore: certificate.notBefore.toISOString(),
      notAfter: certificate.notAfter.toISOString(),
      expired,
    };
  });
}
