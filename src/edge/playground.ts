import type { ApolloServerPlugin } from '@apollo/server';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The offline playground: GraphiQL served from this process, so it works without the internet
 * (Apollo's own landing page loads its explorer from a CDN). The browser gets an HTML page at
 * /graphql and four scripts and a stylesheet under /playground/, all same-origin, which lets the
 * page run under a Content-Security-Policy that allows nothing else.
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
# First put a token after "Bearer " in the Headers tab below (npm start logs an admin and a
# viewer token), then press Ctrl-Shift-R to load the schema for the Docs pane.
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

/** Boots GraphiQL against this gateway; a file, not an inline script, so the CSP can forbid those. */
const BOOT_SCRIPT = `'use strict';
(function () {
  var fetcher = GraphiQL.createFetcher({ url: ${JSON.stringify('/graphql')} });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: ${JSON.stringify(EXAMPLE_QUERY)},
    isHeadersEditorEnabled: true,
    defaultHeaders: ${JSON.stringify(DEFAULT_HEADERS)},
    defaultEditorToolsVisibility: 'headers'
  }));
})();
`;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>usergraph playground</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${PLAYGROUND_PATH}graphiql.min.css" />
    <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
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
