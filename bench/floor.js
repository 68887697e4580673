'use strict';
/**
 * The hand-written floor of `npm run bench`: what the benchmark's three operations cost when
 * written by hand, with nothing between the HTTP server and the vendors. A bare `node:http` server
 * and one undici pool per vendor (the gateway's 16 connections and keep-alive), answering the same
 * GraphQL requests with the same data by making exactly the vendor calls the gateway makes: the
 * same routes, in the same order where one needs the answer of another, with the same
 * authentication (SigV4 through the AWS SDK's signer for RainMaker, Basic for Engagement and
 * GreenArrow, the API key header for user-management) and the same bodies. The bench checks both
 * before measuring: the same data, and the same calls per route.
 *
 * It knows which operation a request is from its operationName (BenchUser, BenchAccountPage,
 * BenchCreateUser): no GraphQL parsing, no validation beyond what the vendors do, no journal, no
 * rollback. Like the gateway it refuses a request without the benchmark's token: an API key
 * compared by SHA-256 in constant time, or an HS256 JWT verified with jose (as the gateway does).
 *
 * Where the gateway reads its database, the floor reads a map it builds once at startup by listing
 * the vendors (before any round, so those calls are not counted): the people of the accounts in
 * FLOOR_ACCOUNT_IDS at user-management, GreenArrow's listing, and Engagement's listing, which the
 * gateway reads from its mirror instead of calling the vendor. Like the gateway, a create's
 * username check lists the account only when its last listing is older than
 * USER_MANAGEMENT_USERNAMES_MAX_AGE_S (30 by default).
 *
 * Environment: the gateway's vendor variables (`<SOURCE>_BASE_URL` and credentials, defaults for
 * the rest), FLOOR_API_KEY_SHA256 (hex) or FLOOR_JWT_SECRET, FLOOR_ACCOUNT_IDS, HOST (127.0.0.1), PORT (0). Prints one
 * JSON line, `{"url": ...}`, once listening; stops on SIGTERM, SIGINT or when its stdin closes.
 */
const { createServer } = require('node:http');
const { createHash, createSecretKey, randomBytes, timingSafeEqual } = require('node:crypto');
const { Pool } = require('undici');
const { Sha256 } = require('@aws-crypto/sha256-js');
const { HttpRequest } = require('@smithy/protocol-http');
const { SignatureV4 } = require('@smithy/signature-v4');
const { jwtVerify } = require('jose');

const env = process.env;
const required = (name) => {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`floor: ${name} is required`);
  return value;
};

/** One keep-alive pool per vendor, as the gateway's transport makes them. */
function vendorPool(baseUrl) {
  const url = new URL(baseUrl);
  return {
    url,
    pool: new Pool(url.origin, { connections: 16, keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 }),
  };
}

const rainMaker = vendorPool(required('RAINMAKER_BASE_URL'));
const engagement = vendorPool(required('ENGAGEMENT_BASE_URL'));
const greenArrow = vendorPool(required('GREENARROW_BASE_URL'));
const userManagement = vendorPool(required('USER_MANAGEMENT_BASE_URL'));
const basic = (user, password) => `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
const engagementAuth = basic(required('ENGAGEMENT_USERNAME'), required('ENGAGEMENT_PASSWORD'));
const greenArrowAuth = basic(required('GREENARROW_USERNAME'), required('GREENARROW_PASSWORD'));
const userManagementKey = required('USER_MANAGEMENT_API_KEY');
const signer = new SignatureV4({
  credentials: {
    accessKeyId: required('RAINMAKER_ACCESS_KEY_ID'),
    secretAccessKey: required('RAINMAKER_SECRET_ACCESS_KEY'),
  },
  region: 'us-east-1',
  service: 'execute-api',
  sha256: Sha256,
  applyChecksum: false,
});
const jwtKey = env.FLOOR_JWT_SECRET ? createSecretKey(Buffer.from(env.FLOOR_JWT_SECRET, 'utf8')) : null;
const apiKeySha256 = jwtKey === null ? Buffer.from(required('FLOOR_API_KEY_SHA256'), 'hex') : null;

/** A vendor failure, answered as a GraphQL error (so the bench counts the request as a mismatch). */
class VendorFailure extends Error {}

/** One call: its status and its JSON body (undefined when empty). */
async function call(vendor, method, path, headers, body) {
  const response = await vendor.pool.request({
    method,
    path,
    headers: { accept: 'application/json', ...headers },
    body,
  });
  const text = await response.body.text();
  return { status: response.statusCode, json: text === '' ? undefined : JSON.parse(text) };
}

/** A call whose answer must be 2xx. */
async function ok(vendor, method, path, headers, body) {
  const answer = await call(vendor, method, path, headers, body);
  if (answer.status < 200 || answer.status >= 300)
    throw new VendorFailure(`${method} ${vendor.url.origin}${path} answered ${answer.status}`);
  return answer.json;
}

const greenArrowGet = (path) => ok(greenArrow, 'GET', path, { authorization: greenArrowAuth });
const userManagementGet = (path) => ok(userManagement, 'GET', path, { 'x-api-key': userManagementKey });

async function rainMakerCreate(userName, password) {
  const body = JSON.stringify({ user_name: userName, password });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: rainMaker.url.protocol,
      hostname: rainMaker.url.hostname,
      port: Number(rainMaker.url.port),
      path: '/v1/admin/user2',
      query: {},
      headers: { accept: 'application/json', 'content-type': 'application/json', host: rainMaker.url.host },
      body,
    }),
  );
  return ok(rainMaker, 'POST', '/v1/admin/user2', signed.headers, body);
}

const INJECTION = { yes: 'ALL', 'smtp-only': 'SMTP_ONLY', 'http-only': 'HTTP_ONLY', no: 'NONE' };
const ACCESS = { yes: 'FULL', 'read-only': 'READ_ONLY', 'stats-only': 'STATS_ONLY', no: 'NONE' };

function permissionsOf(user) {
  return {
    injection: INJECTION[user.permissions.injection],
    api: ACCESS[user.permissions.api],
    ui: ACCESS[user.permissions.ui],
    disabled: user.is_disabled,
    mailClass: user.force_mail_class ? { name: user.force_mail_class.name } : null,
  };
}

/** GreenArrow's whole listing, page after page, each user with the number of the page that holds it. */
async function greenArrowListing() {
  const users = [];
  let path = '/ga/api/v3/eng/users';
  for (;;) {
    const page = await greenArrowGet(path);
    for (const user of page.data.users) users.push({ user, page: page.data.pagination.page });
    const token = page.data.pagination.next_page_token;
    if (!token) return users;
    path = `/ga/api/v3/eng/users?page_token=${encodeURIComponent(token)}`;
  }
}

/**
 * The GreenArrow users of these people, from the listing's pages that hold them, fetched by number
 * at once (the gateway's choice for an account page once it has seen the listing).
 */
async function greenArrowPagesOf(emails) {
  const pages = new Set();
  for (const email of emails) {
    const page = people.get(email.toLowerCase())?.greenArrowPage;
    if (page !== undefined) pages.add(page);
  }
  const answers = await Promise.all([...pages].map((page) => greenArrowGet(`/ga/api/v3/eng/users?page=${page}`)));
  return answers.flatMap((answer) => answer.data.users);
}

/** What the gateway keeps in its database, as one map by email: the vendor ids and the Engagement member. */
const people = new Map();
/** The usernames the gateway has linked (lower-cased). */
const knownUsernames = new Set();
const person = (email) => {
  const key = email.toLowerCase();
  let found = people.get(key);
  if (found === undefined) people.set(key, (found = {}));
  return found;
};

async function buildIndex() {
  for (let start = 0, total = Infinity; start < total; start += 100) {
    const page = await ok(engagement, 'GET', `/api/v1/audience?start=${start}&pageSize=100`, {
      authorization: engagementAuth,
    });
    total = page.total;
    for (const member of page.audience) person(member.email).member = member;
  }
  for (const { user, page } of await greenArrowListing()) {
    const known = person(user.email);
    known.greenArrowId = String(user.id);
    known.greenArrowPage = page;
  }
  for (const accountId of required('FLOOR_ACCOUNT_IDS').split(',')) {
    for (const user of await userManagementGet(`/pub/usr/acc/${encodeURIComponent(accountId)}`)) {
      person(user.emailAddress).userManagementId = String(user.id);
      knownUsernames.add(user.username.toLowerCase());
    }
  }
}

const isActive = (flag) => flag === 1 || flag === '1' || flag === true;
const subscriptionsOf = (member) => (member ? { email: member.emailSubscription, sms: member.smsSubscription } : null);

async function user({ email }) {
  const known = people.get(String(email).toLowerCase());
  if (known === undefined) return { user: null };
  const [greenArrowUser, managed] = await Promise.all([
    greenArrowGet(`/ga/api/v3/eng/users/${encodeURIComponent(known.greenArrowId)}`),
    userManagementGet(`/usr/${encodeURIComponent(known.userManagementId)}`),
  ]);
  const member = known.member;
  return {
    user: {
      email: managed.emailAddress,
      displayName: managed.contactName,
      firstName: member?.firstName ?? null,
      lastName: member?.lastName ?? null,
      country: member?.country ?? null,
      subscriptions: subscriptionsOf(member),
      active: isActive(managed.active),
      permissions: permissionsOf(greenArrowUser.data.user),
      account: { id: String(managed.defaultAccountId) },
    },
  };
}

async function accountPage({ id, first }) {
  const members = await userManagementGet(`/pub/usr/acc/${encodeURIComponent(id)}`);
  // Which GreenArrow records are wanted is known from the members, so their pages come second.
  const greenArrowUsers = new Map(
    (await greenArrowPagesOf(members.map((managed) => managed.emailAddress))).map((entry) => [
      entry.email.toLowerCase(),
      entry,
    ]),
  );
  const nodes = members.slice(0, first).map((managed) => {
    const member = people.get(managed.emailAddress.toLowerCase())?.member;
    const greenArrowUser = greenArrowUsers.get(managed.emailAddress.toLowerCase());
    return {
      email: managed.emailAddress,
      displayName: managed.contactName,
      firstName: member?.firstName ?? null,
      country: member?.country ?? null,
      subscriptions: subscriptionsOf(member),
      active: isActive(managed.active),
      permissions: greenArrowUser ? permissionsOf(greenArrowUser) : null,
    };
  });
  return { account: { users: { totalCount: members.length, nodes } } };
}

/**
 * The usernames of an account from a listing at most USERNAMES_MAX_AGE_MS old (the gateway's
 * USER_MANAGEMENT_USERNAMES_MAX_AGE_S, same default), newer than `olderThan` when given; concurrent
 * creates share one listing. Null when the account does not exist.
 */
const USERNAMES_MAX_AGE_MS = Number(env.USER_MANAGEMENT_USERNAMES_MAX_AGE_S || 30) * 1000;
const accountUsernames = new Map();
const accountListings = new Map();
async function usernamesOf(accountId, maxAgeMs, olderThan) {
  const remembered = accountUsernames.get(accountId);
  if (remembered !== undefined && remembered !== olderThan && performance.now() - remembered.listedAt <= maxAgeMs)
    return remembered;
  const inFlight = accountListings.get(accountId);
  if (inFlight !== undefined) {
    const answer = await inFlight;
    if (answer === null || answer !== olderThan) return answer;
  }
  const listedAt = performance.now();
  const listing = (async () => {
    const members = await call(userManagement, 'GET', `/pub/usr/acc/${encodeURIComponent(accountId)}`, {
      'x-api-key': userManagementKey,
    });
    if (members.status === 404) {
      accountUsernames.delete(accountId);
      return null;
    }
    if (members.status !== 200) throw new VendorFailure(`user-management answered ${members.status}`);
    const entry = { usernames: new Set(members.json.map((member) => member.username.toLowerCase())), listedAt };
    accountUsernames.set(accountId, entry);
    return entry;
  })();
  accountListings.set(accountId, listing);
  try {
    return await listing;
  } finally {
    if (accountListings.get(accountId) === listing) accountListings.delete(accountId);
  }
}

/** As the gateway's username check: what it knows (its database), then the account's usernames, listed again before a refusal. */
async function usernameProblem(accountId, username) {
  const known = await usernamesOf(accountId, USERNAMES_MAX_AGE_MS);
  if (known === null) return { code: 'ACCOUNT_NOT_FOUND', message: 'no such account' };
  const wanted = username.toLowerCase();
  if (knownUsernames.has(wanted)) return { code: 'USERNAME_TAKEN', message: 'username taken' };
  if (!known.usernames.has(wanted)) return null;
  const now = await usernamesOf(accountId, 0, known);
  if (now === null) return { code: 'ACCOUNT_NOT_FOUND', message: 'no such account' };
  return now.usernames.has(wanted) ? { code: 'USERNAME_TAKEN', message: 'username taken' } : null;
}

async function createUser({ input }) {
  const { email, password, username, firstName, lastName, country, accountId } = input;
  // Pre-flight, before any write: the email is free at GreenArrow, the account exists and the username is free in it.
  const [greenArrowHolder, usernameRefusal] = await Promise.all([
    call(greenArrow, 'GET', `/ga/api/v3/eng/users/${encodeURIComponent(email)}`, { authorization: greenArrowAuth }),
    usernameProblem(accountId, username),
  ]);
  const userErrors = [];
  if (greenArrowHolder.status === 200) userErrors.push({ code: 'EMAIL_TAKEN', message: 'email taken at GreenArrow' });
  else if (greenArrowHolder.status !== 404) throw new VendorFailure(`GreenArrow answered ${greenArrowHolder.status}`);
  if (usernameRefusal !== null) userErrors.push(usernameRefusal);
  if (userErrors.length > 0) return { createUser: { user: null, results: [], userErrors } };

  const engagementBody = { firstName, lastName, country, email, ...(input.state ? { state: input.state } : {}) };
  const [, engagementAck, greenArrowCreated, managed] = await Promise.all([
    rainMakerCreate(email, password),
    ok(
      engagement,
      'POST',
      '/api/v1/audience',
      { authorization: engagementAuth, 'content-type': 'application/json;charset=UTF-8' },
      JSON.stringify(engagementBody),
    ),
    ok(
      greenArrow,
      'POST',
      '/ga/api/v3/eng/users',
      { authorization: greenArrowAuth, 'content-type': 'application/json' },
      JSON.stringify({ user: { email, password, permissions: { injection: 'no', api: 'no', ui: 'no' } } }),
    ),
    ok(
      userManagement,
      'POST',
      '/usr/new',
      { 'x-api-key': userManagementKey, 'content-type': 'text/javascript' },
      JSON.stringify({
        contactName: input.displayName ?? `${firstName} ${lastName}`,
        emailAddress: email,
        defaultAccountId: Number(accountId),
        username,
        password,
      }),
    ),
  ]);
  const succeeded = (source, externalId) => ({ source, status: 'SUCCEEDED', externalId });
  return {
    createUser: {
      user: { id: `usr_${randomBytes(11).toString('hex')}` },
      results: [
        succeeded('RAINMAKER', email.toLowerCase()),
        succeeded('ENGAGEMENT', String(engagementAck.id)),
        succeeded('GREENARROW', String(greenArrowCreated.data.user.id)),
        succeeded('USER_MANAGEMENT', String(managed.id)),
      ],
      userErrors: [],
    },
  };
}

const OPERATIONS = { BenchUser: user, BenchAccountPage: accountPage, BenchCreateUser: createUser };

function send(res, status, payload) {
  const text = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function authorized(header) {
  const match = /^Bearer +(\S+)$/i.exec(header ?? '');
  if (!match) return false;
  if (jwtKey === null) return timingSafeEqual(createHash('sha256').update(match[1], 'utf8').digest(), apiKeySha256);
  try {
    const { payload } = await jwtVerify(match[1], jwtKey, { algorithms: ['HS256'], audience: 'usergraph' });
    return payload.role === 'admin';
  } catch {
    return false;
  }
}

async function handle(req, res) {
  if (req.method !== 'POST' || req.url !== '/graphql') return send(res, 404, { errors: [{ message: 'not found' }] });
  if (!(await authorized(req.headers.authorization)))
    return send(res, 401, { errors: [{ message: 'unauthenticated', extensions: { code: 'UNAUTHENTICATED' } }] });
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const operation = OPERATIONS[request.operationName];
  if (operation === undefined) return send(res, 400, { errors: [{ message: 'unknown operation' }] });
  try {
    send(res, 200, { data: await operation(request.variables ?? {}) });
  } catch (error) {
    if (!(error instanceof VendorFailure)) throw error;
    send(res, 200, { data: null, errors: [{ message: error.message }] });
  }
}

async function main() {
  await buildIndex();
  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      process.stderr.write(`floor: ${error.stack ?? error}\n`);
      if (!res.headersSent) send(res, 500, { errors: [{ message: 'internal error' }] });
    });
  });
  await new Promise((resolve) => server.listen(Number(env.PORT ?? 0), env.HOST ?? '127.0.0.1', resolve));
  const { address, port } = server.address();
  process.stdout.write(`${JSON.stringify({ url: `http://${address}:${port}/graphql` })}\n`);
  const stop = () => {
    server.close();
    server.closeAllConnections();
    Promise.all([rainMaker, engagement, greenArrow, userManagement].map((vendor) => vendor.pool.close())).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdin.on('end', stop).resume();
}

main().catch((error) => {
  process.stderr.write(`floor: ${error.stack ?? error}\n`);
  process.exit(1);
});
