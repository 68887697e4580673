import type { RequestServices } from '../../services/request-services';
import { InvalidArgumentError } from '../errors/invalid-argument.error';
import type { Account } from './account.type';

/** An Account as a router names it in `_entities`: by its id, the key account.type.ts declares. */
export interface AccountReference {
  id?: unknown;
}

/**
 * An Account another subgraph references: null when the user-management API has no such account,
 * as `Query.account` answers. The check reads the account's members once per request, the same
 * call its `users` then answer from.
 */
export async function resolveAccountReference(
  reference: AccountReference,
  context: RequestServices,
): Promise<Account | null> {
  if (typeof reference.id !== 'string')
    throw new InvalidArgumentError('An Account representation needs its `id`, a string', 'representations');
  return (await context.accounts.exists(reference.id)) ? { id: reference.id } : null;
}
