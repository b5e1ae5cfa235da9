import { CLOCK_SKEW_SECONDS, SamlError } from '@federa/saml';
import { recordAudit } from '../../audit/audit.repository.ts';
import { addSeconds, nowIso } from '../../context.ts';
import { type Db, isUniqueViolation } from '../../db/db.ts';
import { IdentityConflict, resolveIdentity } from '../../identities/provisioning.service.ts';
import { markActive } from '../../providers/providers.repository.ts';
import { MembershipRefused } from '../../scim/admission.ts';
import { authnMethodsOf } from '../../session-control/authn-methods.ts';
import { consumePendingRequest } from '../../sso/pending-requests.repository.ts';
import { createSsoSession } from '../../sso/sso-sessions.repository.ts';
import { safeNextPath } from '../../web/safe-path.ts';
import { type AcsCheck, AcsFailure, type AcsState } from '../state.ts';

/**
 * Security baseline 8: each assertion is consumed once, across every instance. Its (issuer, ID) is
 * inserted into `consumed_assertions` (primary key) in the same transaction that resolves the identity
 * and creates the SSO session: if two instances on one database get the same assertion, one insert
 * fails on the key and that instance's whole sign-in rolls back (RESPONSE_REPLAYED). The row is kept
 * until the assertion could no longer be accepted anyway (its NotOnOrAfter plus the clock skew).
 */
async function consumeAssertion(trx: Db, state: AcsState): Promise<void> {
  const assertion = state.assertion!;
  try {
    await trx
      .insertInto('consumed_assertions')
      .values({
        issuer: assertion.issuer,
        assertion_id: assertion.assertionId,
        organization_id: state.organization!.id,
        consumed_at: nowIso(state.ctx.clock),
        expires_at: addSeconds(assertion.notOnOrAfter, CLOCK_SKEW_SECONDS).toISOString(),
      })
      .execute();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new SamlError(
        'RESPONSE_REPLAYED',
        'This assertion was already used to sign in; each one is accepted once.',
        {
          assertionId: assertion.assertionId,
        },
      );
    }
    throw error;
  }
  // The pending request is single-use too: whoever deletes it owns this sign-in.
  if (state.answered && !(await consumePendingRequest(trx, state.answered.id, state.browserHash!))) {
    throw new SamlError(
      'RESPONSE_REPLAYED',
      'The sign-in request this response answers was already completed.',
    );
  }
}

export const consumeAndSignIn: AcsCheck = {
  name: 'consume-assertion-and-sign-in',
  async run(state) {
    const { ctx } = state;
    const organization = state.organization!;
    const provider = state.provider!;
    const assertion = state.assertion!;
    const now = ctx.clock.now();
    let sessionEnd = addSeconds(now, provider.sessionHours * 3600);
    if (assertion.sessionNotOnOrAfter && assertion.sessionNotOnOrAfter < sessionEnd)
      sessionEnd = assertion.sessionNotOnOrAfter;
    const home = `/organizations/${organization.slug}/`;
    // Solicited: back where the sign-in started (kept server-side). Unsolicited: RelayState only if it
    // is a same-origin path (baseline 10), else the organization home.
    const nextPath = state.answered?.nextPath ?? safeNextPath(state.relayState, ctx.config.baseUrl) ?? home;
    const setup = state.answered?.purpose === 'setup';
    state.outcome = await runAgainOnRace(() =>
      ctx.db.transaction().execute(async (trx) => {
        await consumeAssertion(trx, state);
        let resolution: Awaited<ReturnType<typeof resolveIdentity>>;
        try {
          resolution = await resolveIdentity(trx, ctx.clock, {
            organization,
            provider,
            mapped: state.identity!,
            subject: {
              nameId: assertion.nameId,
              nameIdFormat: assertion.nameIdFormat,
              sessionIndex: assertion.sessionIndex,
              sessionExpiresAt: sessionEnd.toISOString(),
              nextPath,
            },
            setupUserId: setup ? state.answered!.userId : null,
          });
        } catch (error) {
          if (error instanceof IdentityConflict) throw new AcsFailure('IDENTITY_CONFLICT', error.message);
          if (error instanceof MembershipRefused) throw new AcsFailure(error.code, error.message);
          throw error;
        }
        if (resolution.kind !== 'user') return resolution;
        let activated = false;
        if (setup && provider.status === 'pending') {
          activated = await markActive(trx, provider.id, now.toISOString());
          if (activated) {
            await recordAudit(trx, ctx.clock, {
              organizationId: organization.id,
              actorUserId: resolution.userId,
              action: 'sso.enabled',
              detail: { provider: provider.kind, entityId: provider.entityId, via: 'setup sign-in' },
            });
          }
        }
        const ssoSessionId = await createSsoSession(trx, {
          userId: resolution.userId,
          organizationId: organization.id,
          providerId: provider.id,
          nameId: assertion.nameId,
          nameIdFormat: assertion.nameIdFormat,
          sessionIndex: assertion.sessionIndex,
          createdAt: now.toISOString(),
          expiresAt: sessionEnd.toISOString(),
          authnInstant: assertion.authnInstant?.toISOString() ?? null,
          authnMethods: authnMethodsOf(assertion.attributes),
        });
        return {
          kind: 'signed-in' as const,
          userId: resolution.userId,
          organizationId: organization.id,
          ssoSessionId,
          nextPath,
          created: resolution.created,
          activated,
        };
      }),
    );
  },
};

/**
 * The same new person signing in through two instances at once: both transactions find no account,
 * both insert one, and the second insert fails on a unique key (the email, the identity or the
 * membership) once the first commits. Its whole transaction has rolled back (the assertion is not
 * consumed), so it is run again, and now finds the account the other made: one account, one
 * membership, two sign-ins. (A replayed assertion is not retried: consumeAssertion turns its unique
 * violation into RESPONSE_REPLAYED.)
 */
async function runAgainOnRace<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= 3 || !isUniqueViolation(error)) throw error;
    }
  }
}
