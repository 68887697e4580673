import { graphql, resetCounters, vendorCalls, type BootedGateway } from '../helpers/gateway';

/** What an account page asks of each user, and what the references of the federation tests ask too. */
export const USER_FIELDS = 'id email permissions { api ui injection } identities { source externalId }';

/** The vendor calls, by vendor and route, that one request made. */
export type VendorCalls = Record<string, Record<string, number>>;

/**
 * The vendor calls of the page of account `accountId`'s first `size` users with USER_FIELDS (the
 * batching contract of test/graph/batching.test.ts), split into the account's member listing,
 * which only a page needs, and the rest, which its users' fields cost. Resets the counters first.
 */
export async function accountPageCalls(
  app: BootedGateway,
  accountId: string,
  size: number,
): Promise<{ listing: VendorCalls; perUser: VendorCalls }> {
  resetCounters(app);
  const page = await graphql(
    app,
    `query ($id: ID!, $first: Int) { account(id: $id) { users(first: $first) { nodes { ${USER_FIELDS} } } } }`,
    {
      id: accountId,
      first: size,
    },
  );
  if (page.errors !== undefined) throw new Error(`the account page failed: ${JSON.stringify(page.errors)}`);
  const { USER_MANAGEMENT: management, ...perUser } = vendorCalls(app);
  const { usersByAccount, ...otherManagement } = management ?? {};
  if (Object.keys(otherManagement).length > 0) perUser['USER_MANAGEMENT'] = otherManagement;
  return { listing: { USER_MANAGEMENT: { usersByAccount: usersByAccount ?? 0 } }, perUser };
}
