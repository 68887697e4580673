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
import type { GreenArrowClient } from './client';
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
  /** The listing's size as last seen, to weigh single reads against a walk; unknown at first. */
  private knownTotal: number | null = null;

  constructor(client: GreenArrowClient) {
    super(client);
  }

  view(record: VendorRecord | null): UserView {
    return record?.view ?? {};
  }

  /**
   * GreenArrow has no batch read: a batch is one `getUser` per id, or a walk of the listing when
   * that takes fewer calls. A walk stops once every id is found and hands over every user it saw.
   */
  async readMany(ids: readonly string[], scope: ReadScope): Promise<(VendorRecord | Error)[]> {
    const expectedPages = this.knownTotal === null ? 1 : Math.max(1, Math.ceil(this.knownTotal / this.client.pageSize));
    if (ids.length <= expectedPages) {
      return readEach(ids, this.client.http.concurrency, async (id) => toRecord(await this.client.getUser(id)));
    }
    const wanted = new Set(ids);
    const found = new Map<string, VendorRecord>();
    try {
      const pages = walkPages(
        SOURCE,
        'listUsers',
        (cursor) => scope.memo(`greenarrow:list:${cursor ?? ''}`, () => this.listUsers(cursor)),
        this.client.http,
      );
      for await (const page of pages) {
        if (page.total !== null) this.knownTotal = page.total;
        for (const user of page.items) {
          const record = toRecord(user);
          if (wanted.has(record.externalId)) found.set(record.externalId, record);
          else scope.seen(record);
        }
        if (found.size === wanted.size) break;
      }
    } catch (error) {
      return ids.map(() => error as Error);
    }
    return ids.map((id) => found.get(id) ?? new VendorNotFoundError(SOURCE, `no ${NAME} user has id ${id}`));
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
