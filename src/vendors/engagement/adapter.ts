import { inputProblem, type CreateUserCommand, type Problem } from '../../domain/commands';
import type {
  AdapterCapabilities,
  GatewayLookups,
  LinkedRecord,
  RecordPage,
  RememberedValues,
  StepPlan,
  UserView,
  VendorAdapter,
  VendorRecord,
  WriteStep,
  ViewField,
} from '../kit/adapter';
import { AdapterBase, ignoringNotFound, inputProblems, sameEmail, write } from '../kit/adapter-base';
import { walkPages } from '../kit/page-walk';
import { VendorUnavailableError } from '../transport/errors';
import type { EngagementClient } from './client';
import { ID_PATTERN, normalizeMobileNumber, type CreateRules } from './contract';
import { createInputProblems } from './mapper';
import type { EngagementCreateInput, EngagementMember } from './types';

const SOURCE = 'ENGAGEMENT';
const NAME = 'Engagement';

/**
 * Engagement Services in the gateway: the messaging audience (names, country, mobile number,
 * channel subscriptions). It can create, list and delete, and nothing else: no read by id, no
 * update, no password. Its listing is the only way to find a member, so the gateway mirrors it
 * (the sync and the gateway's refresher walk it with `listPage`) and requests read the mirror;
 * only a create that timed out walks it again, to find what it may have made.
 */
export class EngagementAdapter extends AdapterBase<EngagementClient> implements VendorAdapter {
  readonly source = SOURCE;
  readonly displayName = NAME;
  readonly capabilities: AdapterCapabilities = {
    create: true,
    password: false,
    permissions: false,
    holds: ['email', 'phone', 'firstName', 'lastName', 'country', 'state', 'active'],
    updates: [],
    readOne: false,
    list: true,
    findByEmail: false,
    accounts: false,
  };
  readonly fields = {
    phone: 'primary',
    firstName: 'primary',
    lastName: 'primary',
    country: 'primary',
    state: 'primary',
    lastActiveAt: 'primary',
    subscriptions: 'primary',
    displayName: 'fallback',
    active: 'fallback',
  } as const;
  readonly remembers: readonly ViewField[] = ['subscriptions'];
  protected readonly conflict = {
    field: ['email'],
    message: 'a member with this email address or mobile number already exists',
  };

  constructor(
    client: EngagementClient,
    private readonly rules: CreateRules,
  ) {
    super(client);
  }

  /** The voice flag is write-only at the vendor: what the gateway last sent stands in for it. */
  view(record: VendorRecord | null, remembered: RememberedValues | null): UserView {
    if (record === null) {
      const active = remembered?.['active'];
      return typeof active === 'boolean' ? { active } : {};
    }
    const subscriptions = record.view.subscriptions;
    if (subscriptions && subscriptions.voice === null) {
      const voice = remembered?.['voiceSubscription'];
      return { ...record.view, subscriptions: { ...subscriptions, voice: typeof voice === 'boolean' ? voice : false } };
    }
    return record.view;
  }

  /**
   * One page of the listing, which Engagement pages by offset: a member deleted from a page already
   * read moves every later member one place up, and the first of the next page would be read by
   * neither. So each page but the first starts one member early, at the last member the page before
   * ended with (the cursor names it): found there, nothing moved; found later, members were added
   * before it and are read again; not found, members before it went, some may have been passed over,
   * and the page says so (`passedOver`, kept in every later cursor of the walk, so a walk resumed
   * from its checkpoint says so too).
   */
  async listPage(cursor: string | null): Promise<RecordPage> {
    const at = parseListCursor(cursor);
    const overlap = at.lastId !== null && at.offset > 0;
    const start = overlap ? at.offset - 1 : at.offset;
    // One more than a page, so that a page brings new members even at a page size of 1 (the vendor may clamp it).
    const page = await this.client.listMembers({ start, pageSize: this.client.pageSize + (overlap ? 1 : 0) });
    const read = page.items.map(toRecord);
    let records = read;
    let passedOver = at.passedOver;
    if (overlap) {
      const last = read.findIndex((record) => record.externalId === at.lastId);
      if (last >= 0) records = read.slice(last + 1);
      else passedOver = true;
    }
    const end = start + read.length;
    const lastId = read.length > 0 ? read[read.length - 1].externalId : null;
    const next = page.next === null ? null : listCursor({ offset: end, lastId, passedOver });
    return { records, next, total: page.total, ...(passedOver ? { passedOver } : {}) };
  }

  /**
   * The email address and the mobile number must be free. Only the listing could tell, so the
   * gateway's mirror of it answers; a member added since its last refresh is refused by the
   * vendor itself, as a conflict.
   */
  async preflightCreate(command: CreateUserCommand, gateway: GatewayLookups): Promise<Problem[]> {
    const email = command.email?.trim().toLowerCase() || null;
    const mobile = command.phone ? normalizeMobileNumber(command.phone) : null;
    if (email === null && mobile === null) return [];
    const holders = await gateway.mirroredHolders(SOURCE, { email, phone: mobile });
    const problems: Problem[] = [];
    if (holders.email.length > 0)
      problems.push(
        inputProblem(['email'], `${NAME} already has a member with this email address`, SOURCE, 'EMAIL_TAKEN'),
      );
    if (holders.phone.length > 0)
      problems.push(
        inputProblem(['phone'], `${NAME} already has a member with this mobile number`, SOURCE, 'PHONE_TAKEN'),
      );
    return problems;
  }

  /** The member a create made, as the listing shows one: active, no last activity, the voice flag unknown. */
  createdRecord(command: CreateUserCommand, externalId: string): VendorRecord {
    const mobile = command.phone ? normalizeMobileNumber(command.phone) : null;
    return toRecord({
      externalId,
      firstName: command.firstName ?? '',
      lastName: command.lastName ?? '',
      email: command.email ?? '',
      phone: mobile === null ? null : `+${mobile}`,
      country: command.country ?? '',
      state: command.state ?? null,
      active: true,
      subscriptions: {
        email: command.subscriptions?.email ?? false,
        sms: command.subscriptions?.sms ?? false,
        voice: null,
      },
      createdAt: null,
      updatedAt: null,
      lastActiveAt: null,
    });
  }

  planCreate(command: CreateUserCommand): StepPlan {
    const member: EngagementCreateInput = {
      firstName: command.firstName ?? '',
      lastName: command.lastName ?? '',
      country: command.country ?? '',
      email: command.email ?? '',
      state: command.state,
      phone: command.phone,
      subscriptions: {
        email: command.subscriptions?.email ?? false,
        sms: command.subscriptions?.sms ?? false,
        voice: command.subscriptions?.voice ?? false,
      },
    };
    const findCreated = async (): Promise<string | null> => {
      let passedOver = false;
      for await (const page of this.pages()) {
        const mine = page.items.find((record) => sameEmail(record.email, member.email));
        if (mine) return mine.externalId;
        passedOver ||= page.passedOver;
      }
      // Not found in a walk that may have passed over members is no proof that the create never landed.
      if (passedOver)
        throw new VendorUnavailableError(
          SOURCE,
          'listMembers: members went while the listing was read, so whether the create landed cannot be told now',
        );
      return null;
    };
    return write(
      {
        source: SOURCE,
        action: 'create',
        run: async (resuming) => {
          const earlier = resuming ? await findCreated() : null;
          return earlier ?? (await this.client.createMember(member)).externalId;
        },
        findCreated,
        undo: (id) => ignoringNotFound(this.client.deleteMember(id)),
      },
      inputProblems(SOURCE, NAME, createInputProblems(member, this.rules)),
    );
  }

  rememberCreated(command: CreateUserCommand): RememberedValues {
    return { active: true, voiceSubscription: command.subscriptions?.voice ?? false };
  }

  planDelete(record: LinkedRecord): StepPlan {
    const step: WriteStep = {
      source: SOURCE,
      action: 'delete',
      run: async () => (await ignoringNotFound(this.client.deleteMember(record.externalId)), record.externalId),
    };
    return write(step);
  }

  /** The listing, page by page, as records, each page saying whether the walk so far may have passed over any. */
  private async *pages(): AsyncGenerator<{ items: VendorRecord[]; passedOver: boolean }> {
    let passedOver = false;
    const fetchPage = async (cursor: string | null) => {
      const page = await this.listPage(cursor);
      passedOver ||= page.passedOver ?? false;
      return { items: page.records, next: page.next, total: page.total };
    };
    for await (const page of walkPages(SOURCE, 'listMembers', fetchPage, this.client.http))
      yield { items: page.items, passedOver };
  }
}

/** Where a walk of the listing is: the offset of the next page, the last member read, and whether any was passed over. */
interface ListCursor {
  offset: number;
  lastId: string | null;
  passedOver: boolean;
}

/** `offset`, `offset:lastId` or `offset:lastId:passed-over` (a bare offset is what checkpoints held before). */
function listCursor({ offset, lastId, passedOver }: ListCursor): string {
  if (lastId === null) return String(offset);
  return passedOver ? `${offset}:${lastId}:${PASSED_OVER}` : `${offset}:${lastId}`;
}

const PASSED_OVER = 'passed-over';

function parseListCursor(cursor: string | null): ListCursor {
  if (cursor === null) return { offset: 0, lastId: null, passedOver: false };
  const [offset, lastId, mark, ...rest] = cursor.split(':');
  const valid =
    /^\d+$/.test(offset) &&
    (lastId === undefined || ID_PATTERN.test(lastId)) &&
    (mark === undefined || mark === PASSED_OVER) &&
    rest.length === 0;
  if (!valid) throw new TypeError(`EngagementAdapter.listPage: ${JSON.stringify(cursor)} is not a cursor it answered`);
  return { offset: Number(offset), lastId: lastId ?? null, passedOver: mark === PASSED_OVER };
}

function toRecord(member: EngagementMember): VendorRecord {
  const displayName = `${member.firstName} ${member.lastName}`.trim();
  return {
    source: SOURCE,
    externalId: member.externalId,
    email: member.email,
    phone: member.phone,
    username: null,
    view: {
      phone: member.phone,
      firstName: member.firstName,
      lastName: member.lastName,
      country: member.country,
      state: member.state,
      lastActiveAt: member.lastActiveAt,
      subscriptions: member.subscriptions,
      displayName: displayName === '' ? null : displayName,
      active: member.active,
    },
    // The listing has no voice flag: nothing is remembered of it here, so a stored one survives.
    remember: { active: member.active },
  };
}
