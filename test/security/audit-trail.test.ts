import type { ExecutionResult } from 'graphql';
import type { Source } from '../../src/domain/types';
import { bearer, bootGateway, graphql, type BootedGateway } from '../helpers/gateway';

/**
 * The audit trail over GraphQL over HTTP: a person created, updated and deleted by the demo's
 * admin, then the admin-only `operations` query answers who did each, from where, under which
 * request, the fields each changed (names, never values) and what landed at which vendor.
 */
const PASSWORD = 'Audited-Secret-Pass-1';
const FIELDS = 'user { id } results { source status } userErrors { code }';
const OPERATION_FIELDS = `
  id mutation state userId idempotencyKey clientAddress requestId fieldsChanged createdAt updatedAt
  actor { subject role }
  results { source status externalId error { code } }
  userErrors { field code }
  steps { source action state externalId errorCode startedAt finishedAt }`;
const OPERATIONS = `query Ops($first: Int, $after: String, $filter: OperationFilter) {
  operations(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${OPERATION_FIELDS} } } }
}`;

interface AuditedOperation {
  id: string;
  mutation: string;
  state: string;
  userId: string | null;
  idempotencyKey: string | null;
  clientAddress: string | null;
  requestId: string | null;
  fieldsChanged: string[];
  actor: { subject: string; role: string } | null;
  results: { source: Source; status: string; externalId: string | null; error: { code: string } | null }[] | null;
  userErrors: { field: string[] | null; code: string }[] | null;
  steps: { source: Source; action: string; state: string; externalId: string | null; errorCode: string | null }[];
}
interface OperationsData {
  operations: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { cursor: string; node: AuditedOperation }[];
  };
}

describe('the audit trail', () => {
  let app: BootedGateway;
  /** Every answer the client got, to check no password came back. */
  const answers: string[] = [];

  beforeAll(async () => {
    app = await bootGateway({ VENDOR_RETRIES: '0' });
  });
  afterAll(() => app.stop());

  const sims = () => app.simulators.simulators;

  /** A mutation as the demo's admin, under a request id of the test's choosing. */
  async function mutate<Payload>(requestId: string, query: string, input: Record<string, unknown>): Promise<Payload> {
    const response = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...bearer(app.tokens!.admin) },
      body: JSON.stringify({ query, variables: { input } }),
    });
    const body = (await response.json()) as ExecutionResult<Record<string, Payload>>;
    answers.push(JSON.stringify(body));
    expect(body.errors).toBeUndefined();
    return Object.values(body.data!)[0];
  }

  async function operations(
    variables: Record<string, unknown>,
    token?: string | null,
  ): Promise<ExecutionResult<OperationsData>> {
    const response = await graphql<OperationsData>(app, OPERATIONS, variables, token === undefined ? {} : { token });
    answers.push(JSON.stringify(response));
    return response;
  }

  it('answers who created, updated and deleted a person, and where each landed', async () => {
    const email = 'audited.person@example.org';
    const created = await mutate<{ user: { id: string }; userErrors: unknown[] }>(
      'audit-create-1',
      `mutation C($input: CreateUserInput!) { createUser(input: $input) { ${FIELDS} } }`,
      {
        email,
        password: PASSWORD,
        firstName: 'Audi',
        lastName: 'Ted',
        country: 'India',
        accountId: '2',
        username: 'auditedperson',
        permissions: { api: 'READ_ONLY' },
        idempotencyKey: 'audit-create-key',
      },
    );
    expect(created.userErrors).toEqual([]);
    const userId = created.user.id;
    await mutate('audit-update-1', `mutation U($input: UpdateUserInput!) { updateUser(input: $input) { ${FIELDS} } }`, {
      id: userId,
      email: `renamed.${email}`,
      displayName: 'Audi Ted',
    });
    sims().GREENARROW!.setFault('deleteUser', { status: 500 });
    await mutate('audit-delete-1', `mutation D($input: DeleteUserInput!) { deleteUser(input: $input) { ${FIELDS} } }`, {
      id: userId,
    });
    sims().GREENARROW!.clearFaults();

    const { data, errors } = await operations({ filter: { userId } });
    expect(errors).toBeUndefined();
    const nodes = data!.operations.edges.map((edge) => edge.node);
    expect(data!.operations.totalCount).toBe(3);
    // Newest first.
    expect(nodes.map((node) => [node.mutation, node.requestId, node.state])).toEqual([
      ['deleteUser', 'audit-delete-1', 'COMPLETED'],
      ['updateUser', 'audit-update-1', 'COMPLETED'],
      ['createUser', 'audit-create-1', 'COMPLETED'],
    ]);
    for (const node of nodes) {
      expect(node).toMatchObject({
        userId,
        actor: { subject: 'demo-admin', role: 'admin' },
        clientAddress: expect.stringMatching(/127\.0\.0\.1$/),
      });
    }
    const [deleted, updated, createdOp] = nodes as [AuditedOperation, AuditedOperation, AuditedOperation];
    // Field names only: `password` as a name, never its value.
    expect(createdOp.fieldsChanged).toEqual([
      'email',
      'username',
      'firstName',
      'lastName',
      'country',
      'accountId',
      'password',
      'permissions.api',
    ]);
    expect(createdOp.idempotencyKey).toBe('audit-create-key');
    expect(createdOp.results!.map((result) => [result.source, result.status])).toEqual([
      ['RAINMAKER', 'SUCCEEDED'],
      ['ENGAGEMENT', 'SUCCEEDED'],
      ['GREENARROW', 'SUCCEEDED'],
      ['USER_MANAGEMENT', 'SUCCEEDED'],
    ]);
    expect(createdOp.steps.map((step) => [step.source, step.action, step.state]).sort()).toEqual([
      ['ENGAGEMENT', 'CREATE', 'SUCCEEDED'],
      ['GREENARROW', 'CREATE', 'SUCCEEDED'],
      ['RAINMAKER', 'CREATE', 'SUCCEEDED'],
      ['USER_MANAGEMENT', 'CREATE', 'SUCCEEDED'],
    ]);
    expect(updated.fieldsChanged).toEqual(['email', 'displayName']);
    expect(updated.results!.map((result) => [result.source, result.status])).toEqual([
      ['RAINMAKER', 'SKIPPED'],
      ['ENGAGEMENT', 'SKIPPED'],
      ['GREENARROW', 'SUCCEEDED'],
      ['USER_MANAGEMENT', 'SUCCEEDED'],
    ]);
    // Who deleted this person, and where did it land? Everywhere but GreenArrow, which failed.
    expect(deleted.fieldsChanged).toEqual([]);
    expect(deleted.results!.map((result) => [result.source, result.status, result.error?.code ?? null])).toEqual([
      ['RAINMAKER', 'SUCCEEDED', null],
      ['ENGAGEMENT', 'SUCCEEDED', null],
      ['GREENARROW', 'FAILED', 'VENDOR_UNAVAILABLE'],
      ['USER_MANAGEMENT', 'SUCCEEDED', null],
    ]);
    expect(deleted.steps.find((step) => step.source === 'GREENARROW')).toMatchObject({
      action: 'DELETE',
      state: 'FAILED',
      errorCode: 'VENDOR_UNAVAILABLE',
    });

    const onlyDeletes = await operations({ filter: { userId, mutation: 'deleteUser' } });
    expect(onlyDeletes.data!.operations.edges.map((edge) => edge.node.id)).toEqual([deleted.id]);
  });

  it('records a refused mutation too, with its problems and no results', async () => {
    await mutate(
      'audit-refused-1',
      `mutation U($input: UpdateUserInput!) { updateUser(input: $input) { ${FIELDS} } }`,
      { id: 'usr_nobody', displayName: 'Nobody' },
    );
    const { data } = await operations({ first: 1, filter: { userId: 'usr_nobody' } });
    expect(data!.operations.edges[0].node).toMatchObject({
      mutation: 'updateUser',
      state: 'FAILED',
      results: [],
      userErrors: [{ field: ['input', 'id'], code: 'USER_NOT_FOUND' }],
      steps: [],
    });
  });

  it('pages newest first with opaque cursors', async () => {
    const first = await operations({ first: 2 });
    expect(first.data!.operations.totalCount).toBeGreaterThanOrEqual(4);
    expect(first.data!.operations.pageInfo.hasNextPage).toBe(true);
    const next = await operations({ first: 2, after: first.data!.operations.pageInfo.endCursor });
    const ids = [...first.data!.operations.edges, ...next.data!.operations.edges].map((edge) => edge.node.id);
    expect(ids).toEqual([...ids].sort().reverse());
    expect(new Set(ids).size).toBe(4);
    const foreign = await operations({ after: Buffer.from('users:usr_1').toString('base64url') });
    expect(foreign.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
    ]);
  });

  it('is for admins only: a viewer gets FORBIDDEN and no operation', async () => {
    const response = await operations({}, app.tokens!.viewer);
    expect(response.data ?? null).toBeNull();
    expect(response.errors).toEqual([
      expect.objectContaining({ path: ['operations'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
    ]);
  });

  it('never answers the password', () => {
    expect(answers.join('\n')).not.toContain(PASSWORD);
  });
});
