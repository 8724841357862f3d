/**
 * Bench subscribers: a child process of `bench/run.ts` that opens N real WebSocket connections to the local
 * gateway and records, per event id, when each connection first received it. Separate from the parent so
 * that each process holds one end of the 10,000 sockets (file descriptors) and the receive side does not
 * share the gateway's event loop. Talks to the parent over IPC:
 *   parent → {cmd:'connect', url, count}      child → {type:'connected', count, failed}
 *   parent → {cmd:'counts'}                   child → {type:'counts', counts:{[id]: n}}
 *   parent → {cmd:'times', id}                child → {type:'times', id, times:[epoch ms…]}
 *   parent → {cmd:'disconnect'}               child → {type:'disconnected'} (sockets closed; receive times kept)
 *   parent → {cmd:'close'}                    child → {type:'closed'} and exits
 */
import WebSocket from 'ws';

const sockets: WebSocket[] = [];
const counts = new Map<string, number>();
const times = new Map<string, number[]>();
const now = () => performance.timeOrigin + performance.now();
const send = (m: unknown) => process.send?.(m);

function onMessage(seen: Set<string>, data: WebSocket.RawData): void {
  const t = now();
  let id: unknown;
  try {
    id = (JSON.parse(data.toString()) as { id?: unknown }).id;
  } catch {
    return;
  }
  if (typeof id !== 'string' || seen.has(id)) return; // at-least-once: dedupe by event id
  seen.add(id);
  counts.set(id, (counts.get(id) ?? 0) + 1);
  let list = times.get(id);
  if (!list) times.set(id, (list = []));
  list.push(t);
}

function open(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const seen = new Set<string>();
    ws.on('message', (data) => onMessage(seen, data));
    ws.once('open', () => {
      sockets.push(ws);
      resolve(true);
    });
    ws.once('error', () => resolve(false));
    ws.once('unexpected-response', () => resolve(false));
  });
}

async function connect(url: string, count: number, parallel = 100): Promise<void> {
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      while (next < count) {
        next++;
        if (!(await open(url))) failed++;
      }
    }),
  );
  send({ type: 'connected', count: sockets.length, failed });
}

process.on('message', (m: { cmd: string; url?: string; count?: number; id?: string }) => {
  switch (m.cmd) {
    case 'connect':
      void connect(m.url!, m.count!);
      break;
    case 'counts':
      send({ type: 'counts', counts: Object.fromEntries(counts) });
      break;
    case 'times':
      send({ type: 'times', id: m.id, times: times.get(m.id!) ?? [] });
      break;
    case 'disconnect':
      for (const ws of sockets.splice(0)) ws.terminate();
      send({ type: 'disconnected' });
      break;
    case 'close':
      for (const ws of sockets) ws.terminate();
      send({ type: 'closed' });
      setTimeout(() => process.exit(0), 50);
      break;
  }
});
process.on('disconnect', () => process.exit(0));
