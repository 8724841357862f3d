import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { clientBundle } from './client-bundle';

const PAGE = join(__dirname, 'index.html');

/**
 * Serves the scoreboard page on `/` (told the stage in a `<meta name="ws-stage">`) and the client, bundled
 * as an ES module, on `/client.js`. Returns false for any other request.
 */
export async function pageHandler(stage: string): Promise<(req: IncomingMessage, res: ServerResponse) => boolean> {
  const page = readFileSync(PAGE, 'utf8').replace('</head>', `<meta name="ws-stage" content="${stage}">\n</head>`);
  const clientJs = await clientBundle();
  return (req, res) => {
    if (req.method === 'GET' && /^\/client\.js(\?.*)?$/.test(req.url ?? '')) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      res.end(clientJs);
      return true;
    }
    if (req.method !== 'GET' || !/^\/(index\.html)?(\?.*)?$/.test(req.url ?? '')) return false;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(page);
    return true;
  };
}
