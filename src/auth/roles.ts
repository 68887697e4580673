/**
 * What each role may do once GraphQL runs: a `viewer` may query, an `admin` may also mutate and
 * read the fields marked `@Authorized('admin')`. The actor comes from the request scope the HTTP
 * front opened; an operation run outside one (no actor) may do nothing guarded.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, OperationTypeNode } from 'graphql';
import type { AuthCheckerFn } from 'type-graphql';
import { currentRequest, type Actor, type Role } from '../platform/request-context';

/** Whether `actor` holds `role`: an admin holds every role. */
export function holds(actor: Actor | null | undefined, role: Role): boolean {
  return actor != null && (actor.role === 'admin' || actor.role === role);
}

/** A refusal the client reads as FORBIDDEN, with HTTP 403 when it happens before execution. */
export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
}

/**
 * type-graphql's check for `@Authorized(...roles)`: without roles any authenticated actor passes;
 * with roles, an actor holding one of them. It throws rather than answering false so the error
 * carries the gateway's FORBIDDEN code (type-graphql's own says UNAUTHORIZED).
 */
export const authChecker: AuthCheckerFn = (_data, roles) => {
  requireRoles(roles, 'read this field');
  return true;
};

/**
 * Throws FORBIDDEN unless the request's actor holds one of `roles` (any authenticated actor when
 * none are given): the check of `@Authorized`, for fields type-graphql does not build too.
 * `action` ends the refusal: "Only an admin may <action>".
 */
export function requireRoles(roles: readonly string[], action: string): void {
  const actor = currentRequest()?.actor;
  const allowed = roles.length === 0 ? actor != null : roles.some((role) => holds(actor, role as Role));
  if (!allowed)
    throw forbidden(
      `Only ${roles.length === 0 ? 'an authenticated caller' : roles.map((role) => (role === 'admin' ? 'an admin' : `a ${role}`)).join(' or ')} may ${action}`,
    );
}

/**
 * Refuses a mutation from anyone but an admin, before anything resolves (so no vendor is called),
 * with 403 FORBIDDEN.
 */
export function mutationsForAdmins(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== OperationTypeNode.MUTATION) return;
          const actor = currentRequest()?.actor;
          if (!holds(actor, 'admin'))
            throw forbidden(
              `Only an admin may run mutations${actor ? `; this caller has the ${actor.role} role` : ''}`,
            );
        },
      };
    },
  };
}
