import { GraphQLError } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import type { Permissions as DomainPermissions } from '../domain/types';
import { Account } from '../schema/account.type';
import { Identity } from '../schema/identity.type';
import { Permissions } from '../schema/permissions.type';
import { Subscriptions } from '../schema/subscriptions.type';
import { UserConnection } from '../schema/user-connection.type';
import { UserFilter } from '../schema/user-filter.input';
import { User } from '../schema/user.type';
import { decodeCursor, encodeCursor, pageSize } from '../services/cursors';
import { connectionCost } from '../query-cost';
import { normalizeEmail, type StoredUser } from '../store';
import { vendorField, vendorValueOr } from './vendor-field';

const USERS = 'users';

/** A profile value read back as a string, or null. */
function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

@Resolver(() => User)
export class UserResolver {
  @Query(() => User, { nullable: true, description: 'One user, by gateway id or by email address (give exactly one).' })
  async user(
    @Ctx() context: Context,
    @Arg('id', () => ID, { nullable: true, description: 'The gateway id.' }) id?: string | null,
    @Arg('email', () => String, { nullable: true, description: 'Email address, any letter case.' }) email?: string | null,
  ): Promise<StoredUser | null> {
    if ((id == null) === (email == null)) {
      throw new GraphQLError('Give exactly one of `id` and `email`', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    if (id != null) return context.loaders.store.user.load(id);
    const normalized = normalizeEmail(email);
    if (normalized === null) return null;
    const userId = (await context.store.userIdsByEmails([normalized])).get(normalized);
    return userId === undefined ? null : context.loaders.store.user.load(userId);
  }

  @Query(() => UserConnection, { description: 'Every user the gateway knows, oldest first, a page at a time (Relay).', complexity: connectionCost })
  async users(
    @Ctx() context: Context,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 0 to 500; default 20.' }) first?: number | null,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after?: string | null,
    @Arg('filter', () => UserFilter, { nullable: true, description: 'Conditions every returned user meets.' }) filter?: UserFilter | null,
  ): Promise<UserConnection> {
    const size = pageSize(first);
    const criteria = { emailContains: filter?.emailContains ?? undefined, source: filter?.source ?? undefined };
    const afterId = after == null ? undefined : decodeCursor(USERS, after);
    const page = await context.store.listUsers({ ...criteria, first: size, after: afterId });
    const edges = page.users.map((user) => ({ cursor: encodeCursor(USERS, user.id), node: user as unknown as User }));
    return {
      edges,
      nodes: edges.map((edge) => edge.node),
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: afterId !== undefined,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
      totalCount: await context.store.countUsers(criteria),
    };
  }

  @FieldResolver(() => String, { nullable: true })
  async phone(@Root() user: StoredUser, @Ctx() context: Context): Promise<string | null> {
    if (user.phone !== null) return user.phone;
    return (await vendorField(context.records.engagement(user.id)))?.phone ?? null;
  }

  @FieldResolver(() => String, { nullable: true })
  async username(@Root() user: StoredUser, @Ctx() context: Context): Promise<string | null> {
    return (await vendorField(context.records.managed(user.id)))?.username ?? null;
  }

  @FieldResolver(() => String, { nullable: true })
  async displayName(@Root() user: StoredUser, @Ctx() context: Context): Promise<string | null> {
    const managed = await vendorField(context.records.managed(user.id));
    if (managed) return managed.displayName;
    const member = await vendorField(context.records.engagement(user.id));
    return member ? `${member.firstName} ${member.lastName}`.trim() : null;
  }

  @FieldResolver(() => String, { nullable: true })
  async firstName(@Root() user: StoredUser, @Ctx() context: Context): Promise<string | null> {
    return (await vendorField(context.records.engagement(user.id)))?.firstName ?? null;
  }

  @FieldResolver(() => String, { nullable: true })
  async lastName(@Root() user: StoredUser, @Ctx() context: Context): Promise<string | null> {
    return (await vendorField(context.records.engagement(user.id)))?.lastName ?? null;
  }

  @FieldResolver(() => String, { nullable: true })
  async country(@Root() user: StoredUser, @Ctx() context: Context): Promise<string | null> {
    return (await vendorField(context.records.engagement(user.id)))?.country ?? null;
  }

  @FieldResolver(() => String, { nullable: true })
  async state(@Root() user: StoredUser, @Ctx() context: Context): Promise<string | null> {
    return (await vendorField(context.records.engagement(user.id)))?.state ?? null;
  }

  @FieldResolver(() => Date, { nullable: true })
  async lastActiveAt(@Root() user: StoredUser, @Ctx() context: Context): Promise<Date | null> {
    return (await vendorField(context.records.engagement(user.id)))?.lastActiveAt ?? null;
  }

  @FieldResolver(() => String, { nullable: true })
  async locale(@Root() user: StoredUser, @Ctx() context: Context): Promise<string | null> {
    const locale = text((await context.records.lastSeen(user.id, 'RAINMAKER'))?.['locale']);
    // RainMaker's placeholder for "the admin's default" is not a locale.
    return locale === 'no_locale' ? null : locale;
  }

  /** Non-null, so a failing vendor falls back (to the next vendor, then the last value seen) instead of erroring. */
  @FieldResolver(() => Boolean)
  async active(@Root() user: StoredUser, @Ctx() context: Context): Promise<boolean> {
    const managed = await vendorValueOr(context.records.managed(user.id), null);
    if (managed) return managed.active;
    const member = await vendorValueOr(context.records.engagement(user.id), null);
    if (member) return member.active;
    for (const source of ['USER_MANAGEMENT', 'ENGAGEMENT'] as const) {
      const seen = (await context.records.lastSeen(user.id, source))?.['active'];
      if (typeof seen === 'boolean') return seen;
    }
    return true;
  }

  @FieldResolver(() => Subscriptions, { nullable: true })
  async subscriptions(@Root() user: StoredUser, @Ctx() context: Context): Promise<Subscriptions | null> {
    const member = await vendorField(context.records.engagement(user.id));
    if (!member) return null;
    let voice = member.subscriptions.voice;
    if (voice === null) {
      const seen = (await context.records.lastSeen(user.id, 'ENGAGEMENT'))?.['voiceSubscription'];
      voice = typeof seen === 'boolean' ? seen : false;
    }
    return { email: member.subscriptions.email, sms: member.subscriptions.sms, voice };
  }

  @FieldResolver(() => Permissions, { nullable: true })
  async permissions(@Root() user: StoredUser, @Ctx() context: Context): Promise<DomainPermissions | null> {
    return (await vendorField(context.records.greenArrow(user.id)))?.permissions ?? null;
  }

  @FieldResolver(() => Account, { nullable: true })
  async account(@Root() user: StoredUser, @Ctx() context: Context): Promise<Account | null> {
    const managed = await vendorField(context.records.managed(user.id));
    return managed ? { id: managed.accountId } : null;
  }

  @FieldResolver(() => [Identity])
  async identities(@Root() user: StoredUser, @Ctx() context: Context): Promise<Identity[]> {
    return context.loaders.store.identities.load(user.id);
  }
}
