import type { Loaders } from '../loaders';
import type { VendorRecord } from '../vendors/kit/adapter';
import { VendorNotFoundError } from '../vendors/transport/errors';
import type { Adapters } from '../vendors/registry';
import type { Store } from '../store';
import { linkRecords } from '../sync/identity-linker';
import { sameSeen, seenRecord } from '../sync/seen-records';

/**
 * Accounts, as the vendor that keeps them has them: an account exists when its member listing
 * answers. Members the gateway has not seen before are linked the first time they are seen.
 */
export class AccountDirectory {
  constructor(
    private readonly loaders: Loaders,
    private readonly adapters: Adapters,
    private readonly store: Store,
  ) {}

  /** Whether the account exists; a vendor failure rejects with its VendorError. */
  async exists(accountId: string): Promise<boolean> {
    try {
      await this.members(accountId);
      return true;
    } catch (error) {
      if (error instanceof VendorNotFoundError) return false;
      throw error;
    }
  }

  /** Every member of the account, in the vendor's order (one vendor call per request). */
  members(accountId: string): Promise<VendorRecord[]> {
    return this.loaders.accountMembers.load(accountId);
  }

  /**
   * The gateway user of each member record, in order, linking (in one transaction) the ones seen
   * for the first time, and keeping them as seen in their account so the sync knows the account.
   * A member the linker would have to guess about (its email address belongs to several people, or
   * its person already has another record here) has no user: null, reported by the sync.
   */
  async usersOf(members: readonly VendorRecord[]): Promise<(string | null)[]> {
    const source = this.adapters.accounts().source;
    const known = await this.loaders.store.userIdByRecord.loadMany(
      members.map((member) => ({ source, externalId: member.externalId })),
    );
    const unlinked = members.filter((_, index) => typeof known[index] !== 'string');
    const linked =
      unlinked.length === 0
        ? new Map<string, string>()
        : await this.store.transaction(async ({ identities, records }) => {
            const at = new Date();
            const outcome = await linkRecords(
              identities,
              source,
              unlinked.map((member) => ({
                externalId: member.externalId,
                email: member.email,
                phone: member.phone,
                username: member.username,
                values: member.remember,
              })),
              at,
            );
            const keyless = new Set(outcome.keyless);
            const seen = await records.byExternalIds(
              source,
              unlinked.map((member) => member.externalId),
            );
            const scope = (member: VendorRecord) => seen.get(member.externalId)?.scope ?? member.view.accountId ?? '';
            // A member the linker could not link again says what its row says already: nothing to write.
            const rows = unlinked.map((member) =>
              seenRecord(
                member,
                scope(member),
                at,
                outcome.ambiguous.get(member.externalId) ?? null,
                keyless.has(member.externalId),
              ),
            );
            await records.save(
              rows.filter((row) => {
                const before = seen.get(row.externalId);
                return before === undefined || !sameSeen(before, row);
              }),
            );
            return outcome.userIds;
          });
    return members.map((member, index) =>
      typeof known[index] === 'string' ? known[index] : (linked.get(member.externalId) ?? null),
    );
  }
}
