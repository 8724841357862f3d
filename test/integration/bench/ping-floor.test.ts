import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import WebSocket from 'ws';
import { floorReady } from '../../../bench/local';
import { FLOOR_MODES } from '../../../bench/ping-floor';

const SCRIPT = join(__dirname, '..', '..', '..', 'bench', 'ping-floor.ts');

function run(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--require', 'tsx/cjs', SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('bench/ping-floor.ts', () => {
  it.each(FLOOR_MODES)('answers each ping frame with a pong (%s)', async (mode) => {
    const child = run(['0', mode]);
    try {
      const port = await floorReady(child, mode);
      expect(port).toBeGreaterThan(0);
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
      await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
      const replies: string[] = [];
      for (let i = 0; i < 5; i++) {
        const reply = new Promise<string>((resolve) => ws.once('message', (d) => resolve(String(d))));
        ws.send('{"action":"ping"}');
        replies.push(await reply);
      }
      ws.close();
      expect(replies).toEqual(Array(5).fill('{"type":"pong"}'));
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('refuses an unknown mode with its usage and exit code 2', async () => {
    const child = run(['1', 'fast']);
    let stderr = '';
    child.stderr!.on('data', (d) => { stderr += String(d); });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('usage: bench/ping-floor.ts <port> <hand-offs|dynalite>');
  });
});
