import type { ApolloServerPlugin } from '@apollo/server';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The offline playground: GraphiQL served from this process, so it works without the internet
 * (Apollo's own landing page loads its explorer from a CDN). The browser gets an HTML page at
 * /graphql and four scripts and a stylesheet under /playground/, all same-origin, which lets the
 * page run under a Content-Security-Policy that allows nothing else.
 *
 * The page reads what this gateway tells it from /playground/session.json (never cached): whether
 * introspection is on (when it is off, the page says so, naming GRAPHQL_INTROSPECTION, and GraphiQL
 * asks for no schema, instead of showing Apollo's advice for its own constructor) and, in the demo
 * only, the demo's admin and viewer tokens with the time it started. The page puts the admin token
 * in the Headers tab, offers both, and when a request is refused as unauthenticated asks again: a
 * demo that restarted since made new tokens, and the page says so and offers those.
 */

/** Where the playground's assets are served. */
export const PLAYGROUND_PATH = '/playground/';

/** A file the playground serves: its bytes, gzipped once, and its type. */
export interface PlaygroundAsset {
  contentType: string;
  body: Buffer;
  gzipped: Buffer;
}

/** What a first-time visitor sees in the editor: a query that returns seeded data at once. */
const EXAMPLE_QUERY = `# The gateway's graph: one User across four vendor systems.
# Every request needs a token after "Bearer " in the Headers tab below (the demo, npm start,
# fills in its admin token and offers its viewer token above; they change at every start).
# Press the run button (or Ctrl-Enter); the Docs pane on the left describes every field.
query UserEverywhere {
  user(email: "ada.lovelace0@example.com") {
    id
    displayName
    country
    permissions { api ui injection }
    account { id }
    identities { source externalId status syncedAt }
  }
  sources { source configured reachable latencyMs }
}
`;

/**
 * The Headers tab as a first-time visitor finds it, open: every GraphQL request needs a token, so
 * the line that carries it is there to complete. The visitor's own headers are not stored
 * (GraphiQL's default), so a token does not outlive the tab.
 */
const DEFAULT_HEADERS = `{
  "Authorization": "Bearer "
}`;

/** Where the page reads what this gateway tells it (see {@link PlaygroundSession}). */
export const PLAYGROUND_SESSION = 'session.json';

/**
 * Boots GraphiQL against this gateway, with a notice bar above it; a file, not an inline script, so
 * the CSP can forbid those. Plain ES5 and React.createElement: it is served as it is, not built.
 */
const BOOT_SCRIPT = `'use strict';
(function () {
  var h = React.createElement;
  var SESSION_URL = ${JSON.stringify(PLAYGROUND_PATH + PLAYGROUND_SESSION)};
  var DEFAULT_HEADERS = ${JSON.stringify(DEFAULT_HEADERS)};
  // One JSON answer per request (the gateway has no @defer), which the fetcher below can look into.
  var graphqlFetcher = GraphiQL.createFetcher({ url: ${JSON.stringify('/graphql')}, enableIncrementalDelivery: false });

  function readSession() {
    return fetch(SESSION_URL, { cache: 'no-store' }).then(function (answer) {
      if (!answer.ok) throw new Error('HTTP ' + answer.status);
      return answer.json();
    });
  }
  function headersWith(token) {
    return JSON.stringify({ Authorization: 'Bearer ' + token }, null, 2);
  }
  function clock(iso) {
    return new Date(iso).toLocaleTimeString();
  }
  function unauthenticated(result) {
    return !!(result && result.errors && result.errors.some(function (error) {
      return error && error.extensions && error.extensions.code === 'UNAUTHENTICATED';
    }));
  }

  function Playground(props) {
    var first = props.session;
    var state = React.useState({ session: first, restarted: null, chosen: first.demo ? 'admin' : null, generation: 0 });
    var current = state[0];
    var setCurrent = state[1];
    var demo = current.session.demo;

    function use(role, session) {
      setCurrent(function (previous) {
        return { session: session || previous.session, restarted: null, chosen: role, generation: previous.generation + 1 };
      });
    }
    // A refusal as unauthenticated may mean the demo restarted with new tokens: ask, and say so.
    var fetcher = React.useCallback(function (params, options) {
      var answer = graphqlFetcher(params, options);
      if (!answer || typeof answer.then !== 'function') return answer;
      return answer.then(function (result) {
        if (unauthenticated(result)) {
          readSession().then(function (latest) {
            setCurrent(function (previous) {
              var before = previous.session.demo;
              if (!latest.demo || !before || latest.demo.startedAt === before.startedAt) return previous;
              return { session: previous.session, restarted: latest, chosen: previous.chosen, generation: previous.generation };
            });
          }, function () {});
        }
        return result;
      });
    }, []);

    var notices = [];
    if (!current.session.introspection) {
      notices.push(h('p', { key: 'introspection', className: 'usergraph-notice', 'data-notice': 'introspection-off' },
        'Introspection is off on this gateway (GRAPHQL_INTROSPECTION is not true), so the Docs pane and ' +
        'completion have no schema; queries still run. Set GRAPHQL_INTROSPECTION=true to explore the schema ' +
        'here, or read schema/schema.graphql in the repository.'));
    }
    if (current.restarted) {
      var fresh = current.restarted;
      notices.push(h('p', { key: 'restarted', className: 'usergraph-notice usergraph-warning', 'data-notice': 'demo-restarted' },
        'The demo restarted at ' + clock(fresh.demo.startedAt) + ' and made new tokens: the token in the Headers tab ' +
        'was signed by the one before and no longer verifies. ',
        h('button', { type: 'button', onClick: function () { use('admin', fresh); } }, 'Use the new admin token'), ' ',
        h('button', { type: 'button', onClick: function () { use('viewer', fresh); } }, 'Use the new viewer token')));
    } else if (demo) {
      notices.push(h('p', { key: 'demo', className: 'usergraph-notice', 'data-notice': 'demo-tokens' },
        'Demo tokens (this demo started at ' + clock(demo.startedAt) + '; they change at every start). In the Headers tab: ' +
        (current.chosen === 'viewer' ? 'the viewer token (may only query). ' : 'the admin token (may query and mutate). '),
        h('button', { type: 'button', onClick: function () { use('admin'); } }, 'Use the admin token'), ' ',
        h('button', { type: 'button', onClick: function () { use('viewer'); } }, 'Use the viewer token')));
    }
    var token = demo && current.chosen ? demo[current.chosen] : null;
    var graphiqlProps = {
      key: 'graphiql-' + current.generation,
      fetcher: fetcher,
      defaultQuery: ${JSON.stringify(EXAMPLE_QUERY)},
      isHeadersEditorEnabled: true,
      defaultHeaders: token ? headersWith(token) : DEFAULT_HEADERS,
      defaultEditorToolsVisibility: 'headers'
    };
    if (token && current.generation > 0) graphiqlProps.headers = headersWith(token);
    // null: GraphiQL asks for no schema (introspection would only be refused).
    if (!current.session.introspection) graphiqlProps.schema = null;
    return h('div', { className: 'usergraph-playground' },
      notices.length ? h('div', { className: 'usergraph-notices' }, notices) : null,
      h('div', { className: 'usergraph-graphiql' }, h(GraphiQL, graphiqlProps)));
  }

  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  readSession().then(function (session) {
    root.render(h(Playground, { session: session }));
  }, function () {
    root.render(h(Playground, { session: { introspection: true, demo: null } }));
  });
})();
`;

/** What the page is told at /playground/session.json; it is answered with no-store, since tokens change at every start. */
export interface PlaygroundSession {
  /** Whether GRAPHQL_INTROSPECTION is on: when it is not, the page says so and asks for no schema. */
  introspection: boolean;
  /** The demo's tokens and when it started, only in the demo (src/demo.ts) and only on a loopback address. */
  demo: { startedAt: string; expiresAt: string; admin: string; viewer: string } | null;
}

/** The page's own layout: the notice bar above GraphiQL, which takes the rest of the window. */
const PAGE_STYLE = `html, body, #graphiql { height: 100%; margin: 0; }
.usergraph-playground { display: flex; flex-direction: column; height: 100%; }
.usergraph-graphiql { flex: 1; min-height: 0; }
.usergraph-notices { font: 14px/1.4 system-ui, sans-serif; border-bottom: 1px solid #d0d7de; background: #f6f8fa; }
.usergraph-notice { margin: 0; padding: 6px 12px; }
.usergraph-notice + .usergraph-notice { border-top: 1px solid #d0d7de; }
.usergraph-warning { background: #fff4ce; }
.usergraph-notice button { font: inherit; margin-left: 4px; }
`;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>usergraph playground</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${PLAYGROUND_PATH}graphiql.min.css" />
    <link rel="stylesheet" href="${PLAYGROUND_PATH}playground.css" />
  </head>
  <body>
    <div id="graphiql">Loading the playground…</div>
    <script src="${PLAYGROUND_PATH}react.production.min.js"></script>
    <script src="${PLAYGROUND_PATH}react-dom.production.min.js"></script>
    <script src="${PLAYGROUND_PATH}graphiql.min.js"></script>
    <script src="${PLAYGROUND_PATH}boot.js"></script>
  </body>
</html>
`;

/**
 * The page's policy: scripts, styles, fonts and requests from this origin only. GraphiQL's editor
 * sets inline style attributes and embeds its icons as data: URLs, hence those two allowances.
 */
export const PLAYGROUND_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const JS = 'text/javascript; charset=utf-8';
const SOURCES: Record<
  string,
  { module: string; file: string; contentType: string } | { text: string; contentType: string }
> = {
  'graphiql.min.js': { module: 'graphiql', file: 'graphiql.min.js', contentType: JS },
  'graphiql.min.css': { module: 'graphiql', file: 'graphiql.min.css', contentType: 'text/css; charset=utf-8' },
  'react.production.min.js': { module: 'react', file: 'umd/react.production.min.js', contentType: JS },
  'react-dom.production.min.js': { module: 'react-dom', file: 'umd/react-dom.production.min.js', contentType: JS },
  'boot.js': { text: BOOT_SCRIPT, contentType: JS },
  'playground.css': { text: PAGE_STYLE, contentType: 'text/css; charset=utf-8' },
};

const loaded = new Map<string, PlaygroundAsset>();

/**
 * The asset named by the part of the path after /playground/, or undefined when there is none:
 * only the files above, never a path into node_modules. Read and gzipped on first use.
 */
export function playgroundAsset(name: string): PlaygroundAsset | undefined {
  if (!Object.hasOwn(SOURCES, name)) return undefined;
  let asset = loaded.get(name);
  if (!asset) {
    const source = SOURCES[name];
    // Through package.json: the packages' `exports` hide their UMD files from require.resolve.
    const body =
      'text' in source
        ? Buffer.from(source.text)
        : readFileSync(join(dirname(require.resolve(`${source.module}/package.json`)), source.file));
    asset = { contentType: source.contentType, body, gzipped: gzipSync(body) };
    loaded.set(name, asset);
  }
  return asset;
}

/** Apollo's landing-page hook, answering a browser's GET of /graphql with the playground. */
export function playgroundLandingPage(): ApolloServerPlugin {
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html: PAGE };
        },
      };
    },
  };
}
