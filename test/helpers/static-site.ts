import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

/** A built front end served from a folder on 127.0.0.1, as any static host would: its origin, and how to stop it. */
export interface StaticSite {
  origin: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Serves `root` (a Vite build's dist/) on a free port; a path that names no file gets index.html, as a single-page app expects. */
export async function serveStaticSite(root: string): Promise<StaticSite> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://site').pathname));
    const file = join(root, path);
    // Never a file outside the folder.
    const inside = file === root || file.startsWith(root.endsWith(sep) ? root : root + sep);
    const wanted = inside && extname(file) !== '' ? file : join(root, 'index.html');
    readFile(wanted).then(
      (body) => {
        res.writeHead(200, { 'content-type': TYPES[extname(wanted)] ?? 'application/octet-stream' });
        res.end(body);
      },
      () => {
        res.writeHead(404).end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
