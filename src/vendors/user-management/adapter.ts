import {
  inputProblem,
  type ChangePasswordCommand,
  type CreateUserCommand,
  type Problem,
  type UpdateUserCommand,
} from '../../domain/commands';
import type {
  AdapterCapabilities,
  GatewayLookups,
  LinkedRecord,
  ReadScope,
  RememberedValues,
  StepPlan,
  UserView,
  VendorAdapter,
  VendorRecord,
  ViewField,
} from '../kit/adapter';
import { AdapterBase, ignoringNotFound, inputProblems, readEach, sameEmail, skip, write } from '../kit/adapter-base';
import { VendorNotFoundError } from '../transport/errors';
import type { UserManagementClient } from './client';
import { createInputProblems, updateInputProblems } from './mapper';
import type { ManagedUser, ManagedUserUpdateInput } from './types';

const SOURCE = 'USER_MANAGEMENT';
/** Records whose account the adapter remembers at most (a few MB): past it, the oldest are forgotten. */
const REMEMBERED_RECORDS = 100_000;
/** An account with more members than this is not listed to read a few of them: the answer would outweigh the calls saved. */
const LISTING_MAX_MEMBERS = 500;
const NAME = 'User-management';
/** How old an account's usernames may be for a create's or update's pre-flight, by default (`USER_MANAGEMENT_USERNAMES_MAX_AGE_S`). */
export const DEFAULT_USERNAMES_MAX_AGE_S = 30;

/**
 * The usernames (lower-cased) of an account's members as its listing answered them, each with the
 * id of the member holding it (an update may keep its own), and when (`performance.now()`).
 */
interface AccountUsernames {
  holders: Map<string, string>;
  listedAt: number;
}

export interface UserManagementAdapterOptions {
  /** See `UserManagementTuning.usernamesMaxAgeS`; in milliseconds. */
  usernamesMaxAgeMs?: number;
}

/**
 * The in-house user-management API in the gateway: users with a username, a contact name and a
 * default account, readable one by one and by account (there is no listing of everyone). Usernames
 * are unique; it is the only vendor that can change a profile after creation.
 */
export class UserManagementAdapter extends AdapterBase<UserManagementClient> implements VendorAdapter {
  readonly source = SOURCE;
  readonly displayName = NAME;
  readonly capabilities: AdapterCapabilities = {
    create: true,
    password: true,
    permissions: false,
    holds: ['email', 'username', 'displayName', 'accountId', 'active'],
    updates: ['email', 'username', 'displayName', 'accountId', 'active'],
    readOne: true,
    list: false,
    findByEmail: false,
    accounts: true,
  };
  readonly fields = { username: 'primary', displayName: 'primary', active: 'primary', accountId: 'primary' } as const;
  readonly remembers: readonly ViewField[] = [];
  protected readonly conflict = {
    field: ['username'],
    message: 'another user already has this username or email address',
  };

  /**
   * Where the records the adapter has read live, learnt from every record and listing it saw (the
   * record's default account) and each account's size when listed: what it needs to judge a batch.
   * Bounded: past {@link REMEMBERED_RECORDS} the oldest are forgotten.
   */
  private readonly accountOf = new Map<string, string>();
  private readonly accountSize = new Map<string, number>();
  /**
   * The usernames of the accounts creates and updates went into, as their listings last answered
   * them: what the pre-flights check a username against for {@link usernamesMaxAgeMs}, instead of
   * listing (and decoding) the whole account for every write. Bounded like `accountOf`: past
   * {@link REMEMBERED_RECORDS} usernames, the accounts listed longest ago are forgotten.
   */
  private readonly usernames = new Map<string, AccountUsernames>();
  private rememberedUsernames = 0;
  /** Listings in flight for the pre-flights, by account: concurrent writes share one. */
  private readonly listing = new Map<string, Promise<AccountUsernames | null>>();
  private readonly usernamesMaxAgeMs: number;

  constructor(client: UserManagementClient, options: UserManagementAdapterOptions = {}) {
    super(client);
    this.usernamesMaxAgeMs = options.usernamesMaxAgeMs ?? DEFAULT_USERNAMES_MAX_AGE_S * 1000;
  }

  view(record: VendorRecord | null, remembered: RememberedValues | null): UserView {
    if (record) return record.view;
    const active = remembered?.['active'];
    return typeof active === 'boolean' ? { active } : {};
  }

  /**
   * The API has no batch read: a batch is one `getUser` per id, or, for ids whose account the
   * adapter knows, one listing of each account holding at least two of them (an account's listing
   * answers all its members in one call), whichever takes fewer calls. An account larger than
   * {@link LISTING_MAX_MEMBERS} is not listed for a few of its members. What a listing does not
   * answer (an id the adapter has not seen, a user moved to another account, a listing that failed)
   * is read on its own; the other members a listing shows are handed over (`scope.seen`).
   */
  async readMany(ids: readonly string[], scope: ReadScope): Promise<(VendorRecord | Error)[]> {
    const wanted = new Map<string, string[]>();
    for (const id of ids) {
      const accountId = this.accountOf.get(id);
      if (accountId !== undefined && (this.accountSize.get(accountId) ?? 0) <= LISTING_MAX_MEMBERS)
        wanted.set(accountId, [...(wanted.get(accountId) ?? []), id]);
    }
    const listed = [...wanted].filter(([, members]) => members.length >= 2).map(([accountId]) => accountId);
    const asked = new Set(ids);
    const found = new Map<string, VendorRecord>();
    await Promise.all(
      listed.map(async (accountId) => {
        const members = await scope
          .memo(`user-management:account:${accountId}`, () => this.client.usersByAccount(accountId))
          .catch(() => [] as ManagedUser[]);
        for (const record of this.learnt(members.map(toRecord), accountId)) {
          if (asked.has(record.externalId)) found.set(record.externalId, record);
          else scope.seen(record);
        }
      }),
    );
    const rest = ids.filter((id) => !found.has(id));
    const read = await readEach(
      rest,
      this.client.http.concurrency,
      async (id) => this.learnt([toRecord(await this.client.getUser(id))])[0],
    );
    const readById = new Map(rest.map((id, index) => [id, read[index]]));
    return ids.map((id) => found.get(id) ?? readById.get(id)!);
  }

  async accountMembers(accountId: string): Promise<VendorRecord[]> {
    return this.learnt((await this.client.usersByAccount(accountId)).map(toRecord), accountId);
  }

  /** Remembers where `records` live (and, for a whole account's listing, its size); answers them. */
  private learnt(records: VendorRecord[], listedAccount?: string): VendorRecord[] {
    if (listedAccount !== undefined) this.accountSize.set(listedAccount, records.length);
    for (const record of records) {
      const accountId = record.view.accountId;
      if (accountId === undefined || accountId === null) continue;
      this.accountOf.delete(record.externalId);
      this.accountOf.set(record.externalId, accountId);
      if (this.accountOf.size > REMEMBERED_RECORDS) this.accountOf.delete(this.accountOf.keys().next().value!);
    }
    return records;
  }

  /**
   * The account must exist (its listing answers), and no one the account lists or the gateway knows
   * may hold the username (see {@link accountProblems}).
   */
  async preflightCreate(command: CreateUserCommand, gateway: GatewayLookups): Promise<Problem[]> {
    if (!command.accountId) return [];
    const username = command.username;
    const takenAtGateway = username
      ? gateway.usernameOwner(SOURCE, username).then((owner) => owner !== null)
      : Promise.resolve(false);
    return this.accountProblems(command.accountId, username, null, takenAtGateway);
  }

  /**
   * A new account must exist; a new username must be free in the account the user will be in, but
   * for the user's own record (its username in another case is not taken). The gateway's own links
   * were checked by the mutation before (`usernameOwner`).
   */
  async preflightUpdate(command: UpdateUserCommand, record: LinkedRecord): Promise<Problem[]> {
    const { accountId, username } = command.changes;
    if (accountId === undefined && username === undefined) return [];
    const targetAccount = accountId ?? (await this.client.getUser(record.externalId)).accountId;
    return this.accountProblems(targetAccount, username, record.externalId, Promise.resolve(false));
  }

  /**
   * The account must exist (its listing answers), and `username`, when given, must be held neither
   * at the gateway (`takenAtGateway`) nor by a member the account lists other than `self`. The
   * account's listing is read at most once per `usernamesMaxAgeMs`, and once more for a username
   * found held in a listing sent before the check began, so a refusal is never made on old news (and
   * with a `usernamesMaxAgeMs` of 0, a check reads one listing, refused or not): a username
   * taken behind the gateway's back since is not seen here, and user-management refuses it at the
   * write instead (see docs/mutations.md).
   */
  private async accountProblems(
    accountId: string,
    username: string | undefined,
    self: string | null,
    takenAtGateway: Promise<boolean>,
  ): Promise<Problem[]> {
    const checkedAt = performance.now();
    const [known, taken] = await Promise.all([
      this.accountUsernames(accountId, this.usernamesMaxAgeMs),
      takenAtGateway,
    ]);
    const notFound = [
      inputProblem(['accountId'], `${NAME} has no account with id ${accountId}`, SOURCE, 'ACCOUNT_NOT_FOUND'),
    ];
    if (known === null) return notFound;
    const takenProblems = [
      inputProblem(['username'], `${NAME} already has a user with this username`, SOURCE, 'USERNAME_TAKEN'),
    ];
    if (!username) return [];
    if (taken) return takenProblems;
    const key = username.toLowerCase();
    const heldByAnother = (listed: AccountUsernames) => {
      const holder = listed.holders.get(key);
      return holder !== undefined && holder !== self;
    };
    if (!heldByAnother(known)) return [];
    // A listing sent since the check began is news enough; one sent before it may show someone gone since.
    if (known.listedAt >= checkedAt) return takenProblems;
    const now = await this.accountUsernames(accountId, 0, known);
    if (now === null) return notFound;
    return heldByAnother(now) ? takenProblems : [];
  }

  /**
   * The account's usernames from a listing at most `maxAgeMs` old (and newer than `olderThan`, when
   * given): the one remembered, the one in flight, or a new one. Null when the account does not exist.
   */
  private async accountUsernames(
    accountId: string,
    maxAgeMs: number,
    olderThan?: AccountUsernames,
  ): Promise<AccountUsernames | null> {
    const remembered = this.usernames.get(accountId);
    if (remembered !== undefined && remembered !== olderThan && performance.now() - remembered.listedAt <= maxAgeMs)
      return remembered;
    const inFlight = this.listing.get(accountId);
    if (inFlight !== undefined) {
      const answer = await inFlight;
      if (answer === null || answer !== olderThan) return answer;
    }
    const startedAt = performance.now();
    const listed = (async (): Promise<AccountUsernames | null> => {
      const members = await this.membersOrNull(accountId);
      if (members === null) {
        this.forgetUsernames(accountId);
        return null;
      }
      const holders = new Map(members.map((member) => [member.username.toLowerCase(), member.externalId]));
      const entry = { holders, listedAt: startedAt };
      this.forgetUsernames(accountId);
      this.usernames.set(accountId, entry);
      this.rememberedUsernames += holders.size;
      for (const oldest of this.usernames.keys()) {
        if (this.rememberedUsernames <= REMEMBERED_RECORDS || oldest === accountId) break;
        this.forgetUsernames(oldest);
      }
      return entry;
    })();
    this.listing.set(accountId, listed);
    try {
      return await listed;
    } finally {
      if (this.listing.get(accountId) === listed) this.listing.delete(accountId);
    }
  }

  private forgetUsernames(accountId: string): void {
    const entry = this.usernames.get(accountId);
    if (entry === undefined) return;
    this.rememberedUsernames -= entry.holders.size;
    this.usernames.delete(accountId);
  }

  planCreate(command: CreateUserCommand): StepPlan {
    const fullName = [command.firstName, command.lastName].filter(Boolean).join(' ');
    const user = {
      displayName: command.displayName ?? (fullName || command.email || ''),
      email: command.email ?? '',
      accountId: command.accountId ?? '',
      username: command.username ?? '',
      password: command.password ?? '',
    };
    const findCreated = async (): Promise<string | null> => {
      const members = await this.membersOrNull(user.accountId);
      const mine = members?.find(
        (member) =>
          member.username.toLowerCase() === user.username.toLowerCase() && sameEmail(member.email, user.email),
      );
      return mine?.externalId ?? null;
    };
    return write(
      {
        source: SOURCE,
        action: 'create',
        run: async (resuming) => {
          const earlier = resuming ? await findCreated() : null;
          return earlier ?? (await this.client.addUser(user)).externalId;
        },
        findCreated,
        undo: (id) => ignoringNotFound(this.client.deleteUser(id)),
      },
      inputProblems(SOURCE, NAME, createInputProblems(user)),
    );
  }

  rememberCreated(command: CreateUserCommand): RememberedValues {
    return { username: command.username ?? null, active: true };
  }

  override planUpdate(command: UpdateUserCommand, record: LinkedRecord): StepPlan {
    const update: ManagedUserUpdateInput = { ...command.changes };
    if (Object.keys(update).length === 0) return skip('NOT_SUPPORTED', `${NAME} holds none of the given fields`);
    return write(
      this.step('update', record, () => this.client.modifyUser(record.externalId, update)),
      inputProblems(SOURCE, NAME, updateInputProblems(update)),
    );
  }

  override planChangePassword(command: ChangePasswordCommand, record: LinkedRecord): StepPlan {
    const update = { password: command.password };
    return write(
      this.step('password', record, () => this.client.modifyUser(record.externalId, update)),
      inputProblems(SOURCE, NAME, updateInputProblems(update)),
    );
  }

  planDelete(record: LinkedRecord): StepPlan {
    return write(this.step('delete', record, () => ignoringNotFound(this.client.deleteUser(record.externalId))));
  }

  private async membersOrNull(accountId: string): Promise<ManagedUser[] | null> {
    try {
      return await this.client.usersByAccount(accountId);
    } catch (error) {
      if (error instanceof VendorNotFoundError) return null;
      throw error;
    }
  }
}

function toRecord(user: ManagedUser): VendorRecord {
  return {
    source: SOURCE,
    externalId: user.externalId,
    email: user.email,
    phone: null,
    username: user.username,
    view: { username: user.username, displayName: user.displayName, active: user.active, accountId: user.accountId },
    remember: { username: user.username, active: user.active },
  };
}
