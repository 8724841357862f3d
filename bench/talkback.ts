/**
 * `npm run bench -- --talkback [--rounds N] [--count N]`: what answering a client costs in time, locally. On
 * the talk-back variant (test/support/variant/talkback-app.ts: a responder function on a `WebSocketMessage`
 * rule answers with a `connectionId` push carrying `replyTo`), one connection alternates, per round, N
 * `{"action":"ping"}` round trips (answered by `$default` itself) and N requests answered by the responder:
 * frame → `$default` → PutEvents → rule → responder → PutEvents → push function → PostToConnection. The added
 * latency of a forwarded message is the difference of the two p50s, measured side by side. Writes
 * bench/results/talkback.json.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startLocalCloud } from '../local/local-cloud';
import { synth } from '../local/synth';

const APP = 'npx tsx test/support/variant/talkback-app.ts';

interface Percentiles { p50: number; p90: number }

async function roundTrips(ws: WebSocket, n: number, frame: (i: number) => string, answers: (m: { type?: string; replyTo?: string }, i: number) => boolean): Promise<Percentiles> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const began = performance.now();
    await new Promise<void>((resolve) => {
      const onMessage = (data: WebSocket.RawData) => {
        if (!answers(JSON.parse(String(data)), i)) return;
        ws.off('message', onMessage);
        resolve();
      };
      ws.on('message', onMessage);
      ws.send(frame(i));
    });
    samples.push(performance.now() - began);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => Math.round(samples[Math.min(n - 1, Math.floor(n * q))]! * 100) / 100;
  return { p50: at(0.5), p90: at(0.9) };
}

/** Runs the talk-back bench; see the file's comment. */
export async function runTalkbackBench(argv: readonly string[]): Promise<void> {
  const flag = (name: string, fallback: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
  const rounds = flag('--rounds', 3);
  const count = flag('--count', 60);
  const outDir = mkdtempSync(join(tmpdir(), 'wsp-talkback-'));
  try {
    // No rate limit in the way, and no lifecycle events (the variant's watcher would push each one).
    await synth({ outDir, app: APP, context: { maxMessagesPerMinute: '60000', lifecycleEvents: 'false' }, log: () => undefined });
    const cloud = await startLocalCloud({ cdkOut: outDir, port: 0, awsPort: 0, log: () => undefined });
    const ws = new WebSocket(cloud.webSocketUrl);
    try {
      await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
      const ping = (n: number) => roundTrips(ws, n, () => '{"action":"ping"}', (m) => m.type === 'pong');
      const ask = (n: number, tag: string) => roundTrips(ws, n, (i) => JSON.stringify({ action: 'score', id: `${tag}-${i}` }), (m, i) => m.replyTo === `${tag}-${i}`);
      await ping(20);
      await ask(10, 'warm'); // the responder's and the push function's first invocations (init)
      const results: Array<{ ping: Percentiles; request: Percentiles; addedP50Ms: number }> = [];
      for (let r = 0; r < rounds; r++) {
        const p = await ping(count);
        const q = await ask(count, `r${r}`);
        results.push({ ping: p, request: q, addedP50Ms: Math.round((q.p50 - p.p50) * 100) / 100 });
        process.stdout.write(`round ${r + 1}: ping p50 ${p.p50} ms p90 ${p.p90} | request → reply p50 ${q.p50} ms p90 ${q.p90} | added p50 ${results[r]!.addedP50Ms} ms\n`);
      }
      const figures = { measuredAt: new Date().toISOString(), loadAverage: loadavg().map((l) => Math.round(l * 100) / 100), count, results };
      writeFileSync(join(__dirname, 'results', 'talkback.json'), `${JSON.stringify(figures, null, 2)}\n`);
      process.stdout.write(`(load average ${figures.loadAverage.join(' ')}) wrote bench/results/talkback.json\n`);
    } finally {
      ws.close();
      await cloud.stop();
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
