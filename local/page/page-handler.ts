import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { clientBundle } from './client-bundle';

const PAGE = join(__dirname, 'index.html');

/** The AppSync transport the page connects to instead of the WebSocket API. */
export interface PageAppSync {
  readonly realtimeUrl: string;
  /** The local API key (the page subscribes with it). */
  readonly apiKey?: string;
}

const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * Serves the scoreboard page on `/` (told the stage in a `<meta name="ws-stage">`, or the AppSync real-time URL
 * and API key in `<meta name="appsync-realtime-url">` / `<meta name="appsync-api-key">`) and the client, bundled
 * as an ES module, on `/client.js`. Returns false for any other request.
 */
export async function pageHandler(stage: string, appsync?: PageAppSync): Promise<(req: IncomingMessage, res: ServerResponse) => boolean> {
  const metas = appsync
    ? `<meta name="appsync-realtime-url" content="${attr(appsync.realtimeUrl)}">\n<meta name="appsync-api-key" content="${attr(appsync.apiKey ?? '')}">\n`
    : `<meta name="ws-stage" content="${attr(stage)}">\n`;
  const page = readFileSync(PAGE, 'utf8').replace('</head>', `${metas}</head>`);
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
