import { sign } from 'node:crypto';
import { fixedClock, systemClock, systemRandom } from '../packages/saml/src/clock.ts';
import { type ValidateResponseOptions, validateResponse } from '../packages/saml/src/protocol/response.ts';
import { issueResponse } from '../packages/saml/src/protocol/response-build.ts';
import { benchSeconds, opsPerSecond, printFigure, ratio } from './measure.ts';
import { entraResponse, makeParties, type SamlBenchParties } from './saml-fixture.ts';
import {
  loadSamlifySchemaValidators,
  nodeSamlValidator,
  quietly,
  samlifyIssuer,
  samlifyValidator,
} from './saml-peers.ts';

/**
 * `npm run bench -- saml`: validations and issuances per second of one Entra-shaped signed response
 * (~5 KB: NameID emailAddress, Entra's default claims, assertion signed RSA-SHA256), ours against
 * node-saml and samlify in the same process, one operation at a time. Each contender must first
 * accept the response; one that does not fails the benchmark instead of printing a number.
 *
 * Every contender starts from the base64 SAMLResponse of the POST body, as an ACS receives it.
 * node-saml runs with validateInResponseTo 'always' (the request ID held pending in its cache);
 * samlify with its XSD validator (@authenio/samlify-node-xmllint), the configuration its
 * documentation asks for, and once more with a pass-through validator, to show what XSD costs it.
 * Our validator runs with every check on: signature required on the assertion, InResponseTo pending,
 * a fixed clock one second after issue.
 */
export async function benchSaml(): Promise<void> {
  const timing = benchSeconds();
  const parties = await makeParties();
  // node-saml and samlify check times against the real clock, so the response is issued now.
  const issued = await issueResponse(entraResponse(parties, systemClock, systemRandom));
  const samlResponse = Buffer.from(issued.xml, 'utf8').toString('base64');
  console.log(
    `# saml: response of ${Buffer.byteLength(issued.xml)} bytes (${samlResponse.length} in base64); ` +
      `${timing.seconds} s per figure (3 rounds, contenders taking turns) after ` +
      `${timing.warmupSeconds.toFixed(2)} s of warm-up; node-saml validateInResponseTo 'always' with the ` +
      `request pending in its cache; samlify schema validator @authenio/samlify-node-xmllint, and pass-through`,
  );

  const oursOptions = validateOptions(parties);
  const ours = (body: string) => validateResponse(Buffer.from(body, 'base64').toString('utf8'), oursOptions);
  const nodeSaml = nodeSamlValidator(parties);
  await loadSamlifySchemaValidators();
  const samlify = samlifyValidator(parties, '@authenio/samlify-node-xmllint');
  const samlifyNoXsd = samlifyValidator(parties, 'pass-through');
  const expect = parties.nameId;
  await accepts('ours', expect, async () => (await ours(samlResponse)).nameId);
  await accepts('node-saml', expect, async () => nameIdOf(await nodeSaml(samlResponse), 'profile'));
  await quietly(() =>
    accepts('samlify', expect, async () => nameIdOf(await samlify(samlResponse), 'extract')),
  );

  // Issuance: what each IdP does per sign-in, up to the base64 SAMLResponse its POST form carries.
  const issueOurs = async () => {
    const { xml } = await issueResponse(entraResponse(parties, systemClock, systemRandom));
    return Buffer.from(xml, 'utf8').toString('base64');
  };
  const issueSamlify = samlifyIssuer(parties);
  // Each issuer's output must be accepted: ours by ours, samlify's by samlify and by ours.
  const oursIssued = await issueOurs();
  const samlifyIssued = await issueSamlify();
  await accepts('ours, of our response', expect, async () => (await ours(oursIssued)).nameId);
  await quietly(() =>
    accepts('samlify, of its response', expect, async () =>
      nameIdOf(await samlify(samlifyIssued), 'extract'),
    ),
  );
  await accepts('ours, of samlify’s response', expect, async () => (await ours(samlifyIssued)).nameId);
  console.log(
    `# saml: issued responses of ${Buffer.from(oursIssued, 'base64').length} bytes (ours) and ` +
      `${Buffer.from(samlifyIssued, 'base64').length} bytes (samlify); crypto.sign signs 5120 bytes`,
  );

  // samlify's XSD validator writes to stdout: silenced while the contenders run (ours and node-saml write nothing).
  const [validateOurs, validateNodeSaml, validateSamlify, validateSamlifyNoXsd] = await quietly(() =>
    opsPerSecond(
      [
        () => ours(samlResponse),
        () => nodeSaml(samlResponse),
        () => samlify(samlResponse),
        () => samlifyNoXsd(samlResponse),
      ],
      timing,
    ),
  );
  printFigure('saml.validate', validateOurs, 'ops/s', [
    ratio(validateOurs, validateNodeSaml, 'node-saml'),
    ratio(validateOurs, validateSamlify, 'samlify'),
    ratio(validateOurs, validateSamlifyNoXsd, 'samlify without XSD'),
  ]);
  printFigure('saml.validate.node-saml', validateNodeSaml, 'ops/s');
  printFigure('saml.validate.samlify', validateSamlify, 'ops/s');
  printFigure('saml.validate.samlify-without-xsd', validateSamlifyNoXsd, 'ops/s');

  const payload = Buffer.from(issued.xml.slice(0, 5120).padEnd(5120, ' '));
  const privateKey = parties.signing.credential.privateKey;
  const [issueRate, samlifyRate, signRate] = await opsPerSecond(
    [issueOurs, issueSamlify, () => sign('sha256', payload, privateKey)],
    timing,
  );
  printFigure('saml.issue', issueRate, 'ops/s', [
    ratio(issueRate, samlifyRate, 'samlify'),
    ratio(issueRate, signRate, 'crypto.sign', 'fraction'),
  ]);
  printFigure('saml.issue.samlify', samlifyRate, 'ops/s');
  printFigure('saml.issue.crypto-sign', signRate, 'ops/s');
}

function validateOptions(parties: SamlBenchParties): ValidateResponseOptions {
  return {
    idp: { entityId: parties.issuer, signingCertificates: [parties.signing.credential.certificate] },
    sp: { entityId: parties.spEntityId, acsUrl: parties.acsUrl },
    // Every check on; the clock fixed a second after issue, well inside the 60-minute lifetime.
    clock: fixedClock(new Date(Date.now() + 1000)),
    pendingRequestIds: [parties.requestId],
    allowUnsolicited: false,
    requireSignedAssertion: true,
    allowSha1: false,
  };
}

/** The NameID a peer read: node-saml returns it in `profile`, samlify in `extract`. */
function nameIdOf(result: unknown, where: 'profile' | 'extract'): unknown {
  return (result as Record<string, { nameID?: unknown } | undefined>)[where]?.nameID;
}

/** Runs one validation and insists that it succeeded and read the NameID, else the bench fails. */
async function accepts(who: string, expected: string, readNameId: () => Promise<unknown>): Promise<void> {
  let nameId: unknown;
  try {
    nameId = await readNameId();
  } catch (error) {
    throw new Error(`${who} rejected the benchmark response: ${(error as Error).message}`, { cause: error });
  }
  if (nameId !== expected) throw new Error(`${who} accepted the response but read NameID ${String(nameId)}.`);
}
