import type { Db } from '../db/schema.ts';

// One provisioning cycle per application at a time, across every instance: a lease row with an
// expiry. Taking it is one statement (insert, or take over an expired one), so two instances racing
// for it cannot both win; a crashed holder's lease expires and another instance resumes the cycle.

export const LEASE_SECONDS = 60;

const later = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();

/** Takes the lease for `holder` (or keeps it); true when `holder` has it now. */
export async function acquireLease(
  db: Db,
  applicationId: string,
  holder: string,
  now: Date,
): Promise<boolean> {
  const expiresAt = later(now, LEASE_SECONDS);
  await db
    .insertInto('provisioning_leases')
    .values({ application_id: applicationId, holder, expires_at: expiresAt })
    .onConflict((oc) =>
      oc
        .column('application_id')
        .doUpdateSet({ holder, expires_at: expiresAt })
        .where((eb) =>
          eb.or([
            eb('provisioning_leases.expires_at', '<', now.toISOString()),
            eb('provisioning_leases.holder', '=', holder),
          ]),
        ),
    )
    .execute();
  const row = await db
    .selectFrom('provisioning_leases')
    .select('holder')
    .where('application_id', '=', applicationId)
    .executeTakeFirst();
  return row?.holder === holder;
}

/** Extends the lease; false when `holder` has lost it (the cycle must stop). */
export async function renewLease(db: Db, applicationId: string, holder: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('provisioning_leases')
    .set({ expires_at: later(now, LEASE_SECONDS) })
    .where('application_id', '=', applicationId)
    .where('holder', '=', holder)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function releaseLease(db: Db, applicationId: string, holder: string): Promise<void> {
  await db
    .deleteFrom('provisioning_leases')
    .where('application_id', '=', applicationId)
    .where('holder', '=', holder)
    .execute();
}
