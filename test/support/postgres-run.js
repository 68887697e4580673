'use strict';
/**
 * The global setup and teardown of `npm run test:pg` (jest.pg.config.js). Setup creates this run's
 * database on the shared PostgreSQL server (USERGRAPH_TEST_POSTGRES_URL, by default
 * postgres://postgres@127.0.0.1:5432/postgres), named usergraph_test_<pid>_<random>, and hands it
 * to the test workers through USERGRAPH_TEST_ENGINE and USERGRAPH_TEST_DATABASE_URL; each test
 * makes its own schema in it (test/helpers/test-store.ts). Teardown drops it, whatever the tests
 * did. A database left by a run that was killed (its process is gone) is dropped by the next setup.
 */
const { randomBytes } = require('node:crypto');
const { hostname } = require('node:os');
const pg = require('pg');

const SERVER = process.env.USERGRAPH_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const PREFIX = 'usergraph_test_';

/** A database name for this run: the host's pid, so a later run can tell whether its run is still alive. */
function runDatabaseName() {
  return `${PREFIX}${process.pid}_${randomBytes(4).toString('hex')}`;
}

async function withServer(work) {
  const client = new pg.Client({ connectionString: SERVER, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `npm run test:pg needs PostgreSQL at ${new URL(SERVER).host} (set USERGRAPH_TEST_POSTGRES_URL to use another): ${error.message}`,
      { cause: error },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Databases of earlier runs on this host whose process is gone. */
async function dropAbandoned(client) {
  const { rows } = await client.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${PREFIX}%`]);
  for (const { datname } of rows) {
    const pid = Number(/^usergraph_test_(\d+)_[0-9a-f]+$/.exec(datname)?.[1]);
    if (Number.isInteger(pid) && !alive(pid)) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
}

async function setup() {
  const name = runDatabaseName();
  await withServer(async (client) => {
    await dropAbandoned(client);
    await client.query(`CREATE DATABASE "${name}"`);
  });
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  process.env.USERGRAPH_TEST_ENGINE = 'postgres';
  process.env.USERGRAPH_TEST_DATABASE_URL = url.toString();
  process.stdout.write(`\ntest:pg: database ${name} on ${url.host} (${hostname()})\n`);
}

async function teardown() {
  const url = process.env.USERGRAPH_TEST_DATABASE_URL;
  if (!url) return;
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  await withServer((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

module.exports = { setup, teardown };
