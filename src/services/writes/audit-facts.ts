/**
 * What the journal records of who asked for a mutation, for the audit trail: the request's
 * actor, address and id, the user it is about, and the input fields it changes, by name only.
 */
import { currentRequest } from '../../platform/request-context';
import type { OperationAudit } from '../../store';

/** Command keys that choose how or where to write, not what: they change no field. */
const NOT_FIELDS = new Set(['id', 'sources', 'idempotencyKey', 'onPartialFailure']);

/** Command keys whose members are input fields of the input's top level (updateUser's `changes`). */
const FLATTENED = new Set(['changes']);

/**
 * The dotted paths of the fields a command gives (`email`, `permissions.api`,
 * `permissions.mailClass.name`, `password`), in the command's order. Values never leave here:
 * a null (clearing a mail class) counts as given.
 */
export function changedFields(command: object, path: string[] = []): string[] {
  const fields: string[] = [];
  for (const [key, value] of Object.entries(command)) {
    if (value === undefined || (path.length === 0 && NOT_FIELDS.has(key))) continue;
    const field = path.length === 0 && FLATTENED.has(key) ? [] : [...path, key];
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      fields.push(...changedFields(value as object, field));
    else fields.push(field.join('.'));
  }
  return fields;
}

/** The audit facts of a command about `userId` (null for a create), from the request being served. */
export function auditFacts(command: object, userId: string | null): OperationAudit {
  const scope = currentRequest();
  return {
    userId,
    actor: scope?.actor ? { subject: scope.actor.subject, role: scope.actor.role } : null,
    clientAddress: scope?.clientAddress ?? null,
    requestId: scope?.requestId ?? null,
    fieldsChanged: changedFields(command),
  };
}
