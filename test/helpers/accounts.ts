import { seedIdentityStore } from '../../src/simulators/seed-identities';
import type { BootedGateway } from './gateway';

/**
 * Adds a user-management account `id` of `size` new people, each also in GreenArrow (read-only
 * API access), and links them in the gateway's identity store. Answers their emails, in the
 * account's order.
 */
export async function addAccount(app: BootedGateway, id: string, size: number): Promise<string[]> {
  const { USER_MANAGEMENT, GREENARROW } = app.simulators.simulators;
  USER_MANAGEMENT!.store.addAccount({ id, name: `Batch ${id}` });
  const emails = Array.from({ length: size }, (_, index) => `batch${id}.person${index}@example.net`);
  for (const [index, email] of emails.entries()) {
    USER_MANAGEMENT!.store.insert({
      contactName: `Person ${index}`,
      emailAddress: email,
      defaultAccountId: id,
      username: `b${id}p${index}`,
    });
  }
  GREENARROW!.store.insert(
    emails.map((email) => ({ email, permissions: { api: 'read-only', ui: 'no', injection: 'smtp-only' } as const })),
  );
  await seedIdentityStore(app.store.identities, app.simulators);
  return emails;
}
