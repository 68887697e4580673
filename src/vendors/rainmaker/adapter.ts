import { inputProblem, type ChangePasswordCommand, type CreateUserCommand, type Problem } from '../../domain/commands';
import type {
  AdapterCapabilities,
  LinkedRecord,
  RememberedValues,
  StepPlan,
  UserView,
  VendorAdapter,
  VendorRecord,
  ViewField,
} from '../kit/adapter';
import { AdapterBase, ignoringNotFound, skip, write } from '../kit/adapter-base';
import { VendorNotFoundError } from '../transport/errors';
import type { RainMakerClient } from './client';
import {
  DEFAULT_LOCALE,
  localeProblem,
  normalizeLocale,
  normalizeUserName,
  passwordProblem,
  userNameProblem,
  type RainMakerRules,
} from './contract';

const SOURCE = 'RAINMAKER';
const NAME = 'RainMaker';

/**
 * ESP RainMaker in the gateway: IoT-cloud users known by their user name (an email address or an
 * E.164 number), with a password and a locale. It can create, change a password and delete, and
 * nothing else: there is no read, so what the gateway shows of it is what it last sent.
 */
export class RainMakerAdapter extends AdapterBase<RainMakerClient> implements VendorAdapter {
  readonly source = SOURCE;
  readonly displayName = NAME;
  readonly capabilities: AdapterCapabilities = {
    create: true,
    password: true,
    permissions: false,
    holds: ['email', 'phone', 'locale'],
    updates: [],
    readOne: false,
    list: false,
    findByEmail: false,
    accounts: false,
  };
  readonly fields = { locale: 'primary' } as const;
  readonly remembers: readonly ViewField[] = [];
  protected readonly conflict = { field: ['email'], message: 'a user with this user name already exists' };

  constructor(
    client: RainMakerClient,
    private readonly rules: RainMakerRules,
  ) {
    super(client);
  }

  /** The locale the gateway sent; RainMaker's placeholder for "the admin's default" is no locale. */
  view(_record: VendorRecord | null, remembered: RememberedValues | null): UserView {
    const locale = remembered?.['locale'];
    return { locale: typeof locale === 'string' && locale !== DEFAULT_LOCALE ? locale : null };
  }

  /** What the gateway keeps of a user it created here, since RainMaker cannot be read back. */
  rememberCreated(command: CreateUserCommand): RememberedValues {
    return { locale: normalizeLocale(command.locale) };
  }

  planCreate(command: CreateUserCommand): StepPlan {
    const userName = command.email ?? command.phone;
    const problems: Problem[] = [];
    if (userName !== undefined) {
      const nameProblem = userNameProblem(userName);
      if (nameProblem)
        problems.push(inputProblem([command.email ? 'email' : 'phone'], `${NAME}: ${nameProblem}`, SOURCE));
    }
    const passwordIssue = passwordProblem(command.password, this.rules);
    if (passwordIssue) problems.push(inputProblem(['password'], `${NAME}: ${passwordIssue}`, SOURCE));
    const localeIssue = localeProblem(command.locale, this.rules);
    if (localeIssue) problems.push(inputProblem(['locale'], `${NAME}: ${localeIssue}`, SOURCE));
    if (userName === undefined) return skip('NOT_SUPPORTED', `${NAME} needs an email address or a phone number`);
    const externalId = normalizeUserName(userName);
    const password = command.password ?? '';
    // RainMaker has no read, and a create is never sent twice. To learn whether one landed, the
    // gateway asks it to set the password it has just sent: an unknown user means the create never
    // landed; otherwise the record is there, and setting the same password again changes nothing.
    const findCreated = async (): Promise<string | null> => {
      try {
        await this.client.updatePassword(externalId, password);
        return externalId;
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
          // An interrupted attempt may have landed: look before creating again.
          if (!(resuming && (await findCreated()) !== null))
            await this.client.createUser({ userName, password, locale: command.locale });
          return externalId;
        },
        // Without the password (the gateway's recovery of an interrupted create never has it) there
        // is no way to look: recovery removes the user name's record instead (knownId).
        ...(command.password === undefined ? {} : { findCreated }),
        undo: (id) => ignoringNotFound(this.client.deleteUser(id)),
        knownId: externalId,
      },
      problems,
    );
  }

  override planChangePassword(command: ChangePasswordCommand, record: LinkedRecord): StepPlan {
    const problems: Problem[] = [];
    const issue = passwordProblem(command.password, this.rules);
    if (issue) problems.push(inputProblem(['password'], `${NAME}: ${issue}`, SOURCE));
    return write(
      this.step('password', record, () => this.client.updatePassword(record.externalId, command.password)),
      problems,
    );
  }

  planDelete(record: LinkedRecord): StepPlan {
    return write(this.step('delete', record, () => ignoringNotFound(this.client.deleteUser(record.externalId))));
  }
}
