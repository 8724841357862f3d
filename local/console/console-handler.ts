import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { readBody } from '../http/read-body';
import type { ConsoleActions } from './console-actions';
import type { ConsoleState } from './console-state';
import { ConsoleError } from './errors';
import type { CloudEventHub } from './event-hub';

/** Where the console is served on the gateway's port. */
export const CONSOLE_PATH = '/_console';

const PAGE = join(__dirname, 'console.html');
const SCRIPT = join(__dirname, 'console.js');
/** Largest request body the console accepts (a publish form). */
const MAX_BODY_BYTES = 256 * 1024;

/** The console's HTTP and WebSocket handlers, for the gateway's port. */
export interface ConsoleHandler {
  /** Answers `/_console…` requests; false for any other. */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean;
  /** Takes the upgrade of `/_console/ws`; false for any other. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  stop(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/** A page on another origin may not drive the console (its fetches would need a preflight we never answer). */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  return origin === undefined || origin === `http://${req.headers.host ?? ''}`;
}

/**
 * Serves the console: the page (`/_console`), its script, the state (`/_console/state`), the publish and
 * redrive actions (POST, JSON only), and the live stream of the event hub over `/_console/ws`.
 */
export function consoleHandler(deps: { stage: string; hub: CloudEventHub; state: ConsoleState; actions: ConsoleActions }): ConsoleHandler {
  const page = readFileSync(PAGE, 'utf8').replace('</head>', `<meta name="ws-stage" content="${deps.stage}">\n</head>`);
  const script = readFileSync(SCRIPT, 'utf8');
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const unsubscribe = deps.hub.subscribe((event) => {
    if (wss.clients.size === 0) return;
    const frame = JSON.stringify({ type: 'event', event });
    for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(frame);
  });

  const act = async (req: IncomingMessage, res: ServerResponse, run: (input: Record<string, unknown>) => Promise<unknown>) => {
    try {
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json') || !sameOrigin(req)) {
        throw new ConsoleError('BadRequest', 'the console takes JSON from its own page');
      }
      const { data, tooLarge } = await readBody(req, MAX_BODY_BYTES);
      if (tooLarge) throw new ConsoleError('BadRequest', `the body is over ${MAX_BODY_BYTES} B`);
      let input: unknown;
      try { input = JSON.parse(data.toString('utf8')); } catch { throw new ConsoleError('BadRequest', 'the body is not JSON'); }
      json(res, 200, await run((input ?? {}) as Record<string, unknown>));
    } catch (err) {
      const known = err instanceof ConsoleError;
      json(res, known ? (err.code === 'NotFound' ? 404 : 400) : 500, { code: known ? err.code : 'InternalError', message: (err as Error).message });
    }
  };

  return {
    handleRequest(req, res) {
      const path = (req.url ?? '/').split('?')[0]!;
      if (path !== CONSOLE_PATH && !path.startsWith(`${CONSOLE_PATH}/`)) return false;
      const route = `${req.method ?? 'GET'} ${path.slice(CONSOLE_PATH.length) || '/'}`;
      switch (route) {
        case 'GET /':
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
          res.end(page);
          break;
        case 'GET /console.js':
          res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
          res.end(script);
          break;
        case 'GET /state':
          deps.state.snapshot().then((s) => json(res, 200, s), (err: Error) => json(res, 500, { code: 'InternalError', message: err.message }));
          break;
        case 'POST /publish':
          void act(req, res, (input) => deps.actions.publish(input));
          break;
        case 'POST /redrive':
          void act(req, res, (input) => deps.actions.redrive(String(input.queue ?? ''), String(input.messageId ?? '')));
          break;
        default:
          json(res, 404, { code: 'NotFound', message: `no console route ${route}` });
      }
      return true;
    },
    handleUpgrade(req, socket, head) {
      if ((req.url ?? '').split('?')[0] !== `${CONSOLE_PATH}/ws`) return false;
      if (!sameOrigin(req)) {
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
        return true;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.send(JSON.stringify({ type: 'hello', events: deps.hub.recent() }));
      });
      return true;
    },
    async stop() {
      unsubscribe();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      deps.state.stop();
    },
  };
}
