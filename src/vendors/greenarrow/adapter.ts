import type {
  ChangePasswordCommand,
  CreateUserCommand,
  MailClassChoice,
  PermissionsChange,
  Problem,
  UpdateUserCommand,
} from '../../domain/commands';
import { inputProblem } from '../../domain/commands';
import type { MailClassRef, PermissionsInput } from '../../domain/types';
import type {
  AdapterCapabilities,
  LinkedRecord,
  ReadScope,
  RecordPage,
  StepPlan,
  VendorAdapter,
  VendorRecord,
  UserView,
  ViewField,
} from '../kit/adapter';
import { AdapterBase, ignoringNotFound, inputProblems, readEach, sameEmail, skip, write } from '../kit/adapter-base';
import { VendorNotFoundError } from '../transport/errors';
import { walkPages } from '../kit/page-walk';
import type { GreenArrowClient, GreenArrowUserPage } from './client';
import { ListingIndex } from './listing-index';
import { createInputProblems, updateInputProblems } from './mapper';
import type { GreenArrowUser } from './types';

const SOURCE = 'GREENARROW';
const NAME = 'GreenArrow';

/**
 * GreenArrow Engine in the gateway: email-engine users with a password and permissions, readable
 * one by one (by id or email) and by a paged listing. The email address is its unique key, and the
 * only profile field it keeps.
 */
export class GreenArrowAdapter extends AdapterBase<GreenArrowClient> implements VendorAdapter {
  readonly source = SOURCE;
  readonly displayName = NAME;
  readonly capabilities: AdapterCapabilities = {
    create: true,
    password: true,
    permissions: true,
    holds: ['email'],
    updates: ['email'],
    readOne: true,
    list: true,
    findByEmail: true,
    accounts: false,
  };
  readonly fields = { permissions: 'primary' } as const;
  readonly remembers: readonly ViewField[] = [];
  protected readonly conflict = { field: ['email'], message: 'another user already has this email address' };
  /** Where each user was last seen in the listing, and its length, to weigh the calls of a batch read. */
  private readonly listing = new ListingIndex();

  constructor(client: GreenArrowClient) {
    super(client);
  }

  view(record: VendorRecord | null): UserView {
    return record?.view ?? {};
  }

  /**
   * GreenArrow has no batch read: a batch costs one `getUser` per id, or the listing's pages that
   * hold the ids, whichever takes fewer calls. Where each user sits in the listing is learnt from
   * every page read in this process (`ListingIndex`), so the pages are fetched by number, at once;
   * people not seen yet are read one by one, or, while the listing's length is unknown or shorter
   * than that, found by walking it from the start. Every user a page holds besides the wanted ones
   * is handed over, and anyone a page no longer holds is read on their own.
   */
  async readMany(ids: readonly string[], scope: ReadScope): Promise<(VendorRecord | Error)[]> {
    const wanted = [...new Set(ids)];
    const pages = new Set<number>();
    const unplaced: string[] = [];
    for (const id of wanted) {
      const page = this.listing.page(id);
      if (page === undefined) unplaced.push(id);
      else pages.add(page);
    }
    const total = this.listing.total;
    // A walk's cost is the listing's pages; unknown, it is at least its first page, which tells the rest.
    const walkCost = total === null ? 1 : Math.max(1, Math.ceil(total / this.client.pageSize));
    const placedCost = pages.size + unplaced.length;
    const found = new Map<string, VendorRecord>();
    let rest: readonly string[];
    try {
      if (wanted.length <= Math.min(placedCost, walkCost)) rest = wanted;
      else if (placedCost <= walkCost) rest = await this.readPages([...pages], wanted, found, scope);
      else rest = await this.walkFor(wanted, found, scope);
    } catch (error) {
      return ids.map(() => error as Error);
    }
    const single = await readEach(rest, this.client.http.concurrency, async (id) => {
      try {
        return toRecord(await this.client.getUser(id));
      } catch (error) {
        if (error instanceof VendorNotFoundError) this.listing.forget(id);
        throw error;
      }
    });
    rest.forEach((id, index) => {
      const record = single[index];
      if (!(record instanceof Error)) found.set(id, record);
    });
    const failed = new Map(rest.map((id, index) => [id, single[index]]));
    return ids.map((id) => {
      const record = found.get(id);
      if (record !== undefined) return record;
      const failure = failed.get(id);
      return failure instanceof Error ? failure : new VendorNotFoundError(SOURCE, `no ${NAME} user has id ${id}`);
    });
  }

  /** One `getUser` by address: GreenArrow reads a user by id or by email. */
  async findByEmail(email: string): Promise<VendorRecord | null> {
    const address = email.trim();
    if (address === '' || !address.includes('@')) return null;
    try {
      const user = await this.client.getUser(address);
      return sameEmail(user.email, address) ? toRecord(user) : null;
    } catch (error) {
      if (error instanceof VendorNotFoundError) return null;
      throw error;
    }
  }

  async listPage(cursor: string | null): Promise<RecordPage> {
    const page = await this.listUsers(cursor);
    this.learn(page);
    return { records: page.items.map(toRecord), next: page.next, total: page.total };
  }

  async preflightCreate(command: CreateUserCommand): Promise<Problem[]> {
    const checks: Promise<Problem[]>[] = [];
    if (command.email) checks.push(this.emailFree(command.email, null));
    if (command.permissions?.mailClass) checks.push(this.mailClassProblems(command.permissions.mailClass));
    return (await Promise.all(checks)).flat();
  }

  async preflightUpdate(command: UpdateUserCommand, record: LinkedRecord): Promise<Problem[]> {
    return command.changes.email ? this.emailFree(command.changes.email, record.externalId) : [];
  }

  async preflightSetPermissions(permissions: PermissionsChange): Promise<Problem[]> {
    return permissions.mailClass ? this.mailClassProblems(permissions.mailClass, ['permissions', 'mailClass']) : [];
  }

  planCreate(command: CreateUserCommand): StepPlan {
    const user = {
      email: command.email ?? '',
      password: command.password ?? '',
      permissions: {
        injection: 'NONE',
        api: 'NONE',
        ui: 'NONE',
        ...permissionsInput(command.permissions ?? {}),
      } as const,
    };
    const problems = inputProblems(SOURCE, NAME, createInputProblems(user));
    const findCreated = async (): Promise<string | null> => {
      try {
        const existing = await this.client.getUser(user.email);
        return sameEmail(existing.email, user.email) ? existing.externalId : null;
      } catch (error) {
        if (error instanceof VendorNotFoundError) return null;
        throw error;
      }
    };
    return write(
      {
        source: SOURCE,
        action: 'create',
        run: async (resuming) => {
          // An interrupted attempt may have landed: the email is the key, so look before creating again.
          const earlier = resuming ? await findCreated() : null;
          return earlier ?? (await this.client.createUser(user)).externalId;
        },
        findCreated,
        undo: (id) => ignoringNotFound(this.client.deleteUser(id)),
      },
      problems,
    );
  }

  override planUpdate(command: UpdateUserCommand, record: LinkedRecord): StepPlan {
    const email = command.changes.email;
    if (email === undefined) return skip('NOT_SUPPORTED', `${NAME} holds none of the given fields`);
    const update = { email };
    return write(
      this.step('update', record, () => this.client.updateUser(record.externalId, update)),
      inputProblems(SOURCE, NAME, updateInputProblems(update)),
    );
  }

  override planChangePassword(command: ChangePasswordCommand, record: LinkedRecord): StepPlan {
    const update = { password: command.password };
    return write(
      this.step('password', record, () => this.client.updateUser(record.externalId, update)),
      inputProblems(SOURCE, NAME, updateInputProblems(update)),
    );
  }

  override planSetPermissions(permissions: PermissionsChange, record: LinkedRecord): StepPlan {
    const update = { permissions: permissionsInput(permissions) };
    const problems = inputProblems(SOURCE, NAME, updateInputProblems(update));
    if (Object.keys(update.permissions).length === 0)
      problems.push(inputProblem(['permissions'], 'Give at least one permission to set'));
    return write(
      this.step('permissions', record, () => this.client.updateUser(record.externalId, update)),
      problems,
    );
  }

  planDelete(record: LinkedRecord): StepPlan {
    return write(this.step('delete', record, () => ignoringNotFound(this.client.deleteUser(record.externalId))));
  }

  private listUsers(cursor: string | null) {
    return this.client.listUsers(cursor === null ? {} : { pageToken: cursor });
  }

  private learn(page: GreenArrowUserPage): void {
    this.listing.learn(
      page.page,
      page.items.map((user) => user.externalId),
      page.total,
    );
  }

  /** Takes a page's users: the wanted ones into `found`, the others to the request's loader. */
  private take(
    page: GreenArrowUserPage,
    wanted: ReadonlySet<string>,
    found: Map<string, VendorRecord>,
    scope: ReadScope,
  ): void {
    this.learn(page);
    for (const user of page.items) {
      const record = toRecord(user);
      if (wanted.has(record.externalId)) found.set(record.externalId, record);
      else scope.seen(record);
    }
  }

  /** Fetches these pages by number, at once; answers the wanted ids they did not hold. */
  private async readPages(
    numbers: number[],
    wanted: readonly string[],
    found: Map<string, VendorRecord>,
    scope: ReadScope,
  ): Promise<string[]> {
    const want = new Set(wanted);
    const pages = await readEach(numbers.map(String), this.client.http.concurrency, (page) =>
      scope.memo(`greenarrow:page:${page}`, () => this.client.listUsers({ page: Number(page) })),
    );
    for (const page of pages) if (page instanceof Error) throw page;
    for (const page of pages as GreenArrowUserPage[]) this.take(page, want, found, scope);
    const rest = wanted.filter((id) => !found.has(id));
    // Not where it was seen: read on its own, and placed again by the next page that holds it.
    for (const id of rest) if (this.listing.page(id) !== undefined) this.listing.forget(id);
    return rest;
  }

  /**
   * Walks the listing from its start until every wanted id is found. Answers no id for single
   * reads: one the whole listing did not hold is not at GreenArrow.
   */
  private async walkFor(wanted: readonly string[], found: Map<string, VendorRecord>, scope: ReadScope): Promise<[]> {
    const want = new Set(wanted);
    const pages = walkPages(
      SOURCE,
      'listUsers',
      (cursor) =>
        scope.memo(cursor === null ? 'greenarrow:page:0' : `greenarrow:list:${cursor}`, () => this.listUsers(cursor)),
      this.client.http,
    );
    for await (const page of pages) {
      this.take(page, want, found, scope);
      if (found.size === wanted.length) break;
    }
    return [];
  }

  /** EMAIL_TAKEN when GreenArrow holds this address for a user other than `self`. */
  private async emailFree(email: string, self: string | null): Promise<Problem[]> {
    try {
      const holder = await this.client.getUser(email.trim());
      if (holder.externalId === self) return [];
      return [inputProblem(['email'], `${NAME} already has a user with this email address`, SOURCE, 'EMAIL_TAKEN')];
    } catch (error) {
      if (error instanceof VendorNotFoundError) return [];
      throw error;
    }
  }

  /** The mail class must exist, and an id and a name given together must name the same class. */
  private async mailClassProblems(choice: MailClassChoice, field = ['permissions', 'mailClass']): Promise<Problem[]> {
    const [byId, byName] = await Promise.all([
      choice.id === undefined
        ? undefined
        : this.client.getMailClass(choice.id).catch((error: unknown) => {
            if (error instanceof VendorNotFoundError) return null;
            throw error;
          }),
      choice.name === undefined ? undefined : this.client.findMailClassByName(choice.name),
    ]);
    if (byId === null)
      return [
        inputProblem(
          [...field, 'id'],
          `${NAME} has no mail class with id ${choice.id}`,
          SOURCE,
          'MAIL_CLASS_NOT_FOUND',
        ),
      ];
    if (byName === null)
      return [
        inputProblem(
          [...field, 'name'],
          `${NAME} has no mail class named "${choice.name}"`,
          SOURCE,
          'MAIL_CLASS_NOT_FOUND',
        ),
      ];
    if (byId && byName && byId.id !== byName.id) {
      return [
        inputProblem(
          field,
          `The id and the name name different ${NAME} mail classes ("${byId.name}" and "${byName.name}"); give one`,
          SOURCE,
        ),
      ];
    }
    return [];
  }
}

function toRecord(user: GreenArrowUser): VendorRecord {
  return {
    source: SOURCE,
    externalId: user.externalId,
    email: user.email,
    phone: null,
    username: null,
    view: { permissions: user.permissions },
    remember: {},
  };
}

/** A mail class choice on the wire: by id when there is one (the pre-flight check made sure a name agrees). */
function mailClassRef(choice: MailClassChoice | null): MailClassRef {
  if (choice === null) return null;
  if (choice.id !== undefined) return { id: choice.id };
  return { name: choice.name ?? '' };
}

function permissionsInput(change: PermissionsChange): PermissionsInput {
  const permissions: PermissionsInput = {};
  if (change.injection !== undefined) permissions.injection = change.injection;
  if (change.api !== undefined) permissions.api = change.api;
  if (change.ui !== undefined) permissions.ui = change.ui;
  if (change.disabled !== undefined) permissions.disabled = change.disabled;
  if (change.mailClass !== undefined) permissions.mailClass = mailClassRef(change.mailClass);
  return permissions;
}
