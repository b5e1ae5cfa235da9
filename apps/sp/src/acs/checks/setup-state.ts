import { type AcsCheck, AcsFailure } from '../state.ts';

/**
 * A provider whose setup is not finished accepts only the setup sign-in started by "Test and finish
 * setup" (so a half-configured IdP cannot sign anybody in), and that sign-in only while its starter is
 * still an owner or manager.
 */
export const checkSetupState: AcsCheck = {
  name: 'setup-state',
  async run(state) {
    const answered = state.answered ?? null;
    if (state.provider!.status === 'pending' && answered?.purpose !== 'setup') {
      throw new AcsFailure(
        'SETUP_NOT_FINISHED',
        'SSO setup for this organization is not finished, so only the setup sign-in is accepted.',
      );
    }
    if (answered?.purpose === 'setup') {
      const membership = answered.userId
        ? await state.ctx.db
            .selectFrom('memberships')
            .select('role')
            .where('organization_id', '=', state.organization!.id)
            .where('user_id', '=', answered.userId)
            .executeTakeFirst()
        : undefined;
      if (!membership || (membership.role !== 'owner' && membership.role !== 'manager')) {
        throw new AcsFailure(
          'SETUP_NOT_ALLOWED',
          'The person who started the setup sign-in is no longer an owner or manager.',
        );
      }
    }
  },
};
