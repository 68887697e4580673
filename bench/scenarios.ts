/**
 * What `npm run bench` measures: three operations, each with the vendors answering at once and
 * more slowly, and the create into an account of 10 and of 10,000 people. The GraphQL documents
 * are named; the hand-written floor (bench/floor.js) knows an operation by its name.
 */
import type { Source } from '../src/domain/types';
import { ACCOUNT_PAGE_ID, BENCH_EMAIL_DOMAIN } from './vendors-protocol';

export type Operation = 'user' | 'accountPage' | 'createUser';

export interface Scenario {
  /** What `--scenario` matches and the JSON names it by. */
  name: string;
  /** What the table says. */
  title: string;
  operation: Operation;
  /** Added by each vendor's simulator to every call (SIM_FAULTS' latencyMs). */
  latencyMs: Record<Source, number>;
  /** Requests in flight at once, each on its own connection. */
  connections: number;
  /** For a create: the user-management account the people go into. */
  account?: 'small' | 'large';
}

const at = (ms: number): Record<Source, number> => ({
  RAINMAKER: ms,
  ENGAGEMENT: ms,
  GREENARROW: ms,
  USER_MANAGEMENT: ms,
});
/** The slowest vendor last: RainMaker 10, Engagement 20, GreenArrow 40, user-management 80 ms. */
const STAGGERED: Record<Source, number> = { RAINMAKER: 10, ENGAGEMENT: 20, GREENARROW: 40, USER_MANAGEMENT: 80 };

/** In this order: the reads run before any create adds people to the vendors (each create scenario removes its own afterwards). */
export const SCENARIOS: readonly Scenario[] = [
  { name: 'user-0ms', title: 'user(email:), vendors at 0 ms', operation: 'user', latencyMs: at(0), connections: 20 },
  { name: 'user-20ms', title: 'user(email:), vendors at 20 ms', operation: 'user', latencyMs: at(20), connections: 20 },
  {
    name: 'account-0ms',
    title: 'account page of 100, vendors at 0 ms',
    operation: 'accountPage',
    latencyMs: at(0),
    connections: 20,
  },
  {
    name: 'account-20ms',
    title: 'account page of 100, vendors at 20 ms',
    operation: 'accountPage',
    latencyMs: at(20),
    connections: 20,
  },
  {
    name: 'create-0ms',
    title: 'createUser, account of 10, vendors at 0 ms',
    operation: 'createUser',
    latencyMs: at(0),
    connections: 10,
    account: 'small',
  },
  {
    name: 'create-20ms',
    title: 'createUser, account of 10, vendors at 20 ms',
    operation: 'createUser',
    latencyMs: at(20),
    connections: 10,
    account: 'small',
  },
  {
    name: 'create-staggered',
    title: 'createUser, account of 10, vendors at 10/20/40/80 ms',
    operation: 'createUser',
    latencyMs: STAGGERED,
    connections: 10,
    account: 'small',
  },
  {
    name: 'create-staggered-10k',
    title: 'createUser, account of 10,000, vendors at 10/20/40/80 ms',
    operation: 'createUser',
    latencyMs: STAGGERED,
    connections: 10,
    account: 'large',
  },
];

const PERMISSIONS = 'permissions { injection api ui disabled mailClass { name } }';

/** Someone at every vendor (the sample's first person). */
export const USER_EMAIL = 'ada.lovelace0@example.com';

export const DOCUMENTS: Record<Operation, { operationName: string; query: string }> = {
  user: {
    operationName: 'BenchUser',
    query: `query BenchUser($email: String!) { user(email: $email) { email displayName firstName lastName country subscriptions { email sms } active ${PERMISSIONS} account { id } } }`,
  },
  accountPage: {
    operationName: 'BenchAccountPage',
    query: `query BenchAccountPage($id: ID!, $first: Int!) { account(id: $id) { users(first: $first) { totalCount nodes { email displayName firstName country subscriptions { email sms } active ${PERMISSIONS} } } } }`,
  },
  createUser: {
    operationName: 'BenchCreateUser',
    query:
      'mutation BenchCreateUser($input: CreateUserInput!) { createUser(input: $input) { user { id } results { source status externalId } userErrors { code message } } }',
  },
};

/** The variables of a read. */
export function readVariables(operation: Exclude<Operation, 'createUser'>): Record<string, unknown> {
  return operation === 'user' ? { email: USER_EMAIL } : { id: ACCOUNT_PAGE_ID, first: 100 };
}

/** The variables of the create numbered `n` under `tag` (unique per run, side and round): a new person at every vendor. */
export function createVariables(tag: string, n: number, accountId: string): Record<string, unknown> {
  const handle = `${tag}.${n}`;
  return {
    input: {
      email: `${handle}@${BENCH_EMAIL_DOMAIN}`,
      password: 'Bench-password-0123',
      username: handle,
      firstName: 'Bench',
      lastName: `Person ${n}`,
      country: 'Germany',
      accountId,
    },
  };
}

/** Whether an answer is a success: data and no error; for a create, every vendor written. */
export function answeredWell(operation: Operation, body: string): boolean {
  if (!body.startsWith('{"data":{') || body.includes('"errors":')) return false;
  return operation !== 'createUser' || body.split('"SUCCEEDED"').length === 5;
}
