import type { RequestServices } from '../../services/request-services';
import type { GatewayUser } from '../../services/user-directory';
import { InvalidArgumentError } from '../errors/invalid-argument.error';

/** A User as a router names it in `_entities`: by one of the two keys user.type.ts declares. */
export interface UserReference {
  id?: unknown;
  email?: unknown;
}

/**
 * A User another subgraph references, by gateway id or by email. Both go through the request's
 * loaders, so a router's batch of references costs one database query per look-up and no vendor
 * call of its own; the fields asked of them then batch as an account page's do. An address the
 * gateway does not know is null without asking the vendors (`Query.user(email:)` does ask): a
 * router sends references by the hundred, and each unknown one would cost a call per vendor.
 */
export async function resolveUserReference(
  reference: UserReference,
  context: RequestServices,
): Promise<GatewayUser | null> {
  if (typeof reference.id === 'string') return context.users.byId(reference.id);
  if (typeof reference.email === 'string') return context.users.byKnownEmail(reference.email);
  throw new InvalidArgumentError('A User representation needs its `id` or its `email`, a string', 'representations');
}
