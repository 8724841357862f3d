import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import type WebSocket from 'ws';
import { FaultInjector, FaultScript, seededRandom, type ScriptedGatewayFaults } from '../../../../local/gateway/faults';
import { parseFlags } from '../../../../local/flags';
import { toPublishError } from '../../../../lambdas/adapters/management-api-publisher';
import { ForbiddenError, GoneError, PayloadTooLargeError, ServerError, ThrottledError } from '../../../../lambdas/core/errors';
import { waitUntil } from '../../../support/wait-until';
import { gateway, open, recorder } from './helpers';

const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };

describe('gateway fault injection', () => {
  it('is deterministic for a seed', () => {
    const a = new FaultInjector({ throttleRate: 0.2, errorRate: 0.2, seed: 42 });
    const b = new FaultInjector({ throttleRate: 0.2, errorRate: 0.2, seed: 42 });
    const run = (f: FaultInjector) => Array.from({ length: 200 }, () => f.managementFault('c1')?.status);
    const seq = run(a);
    expect(run(b)).toEqual(seq);
    expect(seq.filter((x) => x === 429).length).toBeGreaterThan(20);
    expect(seq.filter((x) => x === 500).length).toBeGreaterThan(20);
    expect(seededRandom(1)()).not.toBe(seededRandom(2)());
  });

  it('refuses rates outside 0..1', () => {
    expect(() => new FaultInjector({ throttleRate: 1.5 })).toThrow(/throttleRate/);
    expect(() => new FaultInjector({ throttleRate: 0.6, errorRate: 0.6 })).toThrow(/at most 1/);
  });

  it('answers posts 429 LimitExceededException and 500 InternalServerErrorException as AWS does, and delays them', async () => {
    const connect = recorder();
    const gw = await gateway({ routes: { $connect: connect }, faults: { throttleRate: 0.5, errorRate: 0.5, postLatencyMs: 30, seed: 3 } });
    const ws = await open(gw.url);
    const { connectionId } = (await connect.next(1)).requestContext;
    const client = new ApiGatewayManagementApiClient({ endpoint: gw.callbackUrl, region: 'us-east-1', credentials, maxAttempts: 1 });
    const kinds = new Set<string>();
    const started = Date.now();
    for (let i = 0; i < 8; i++) {
      const error = await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from('x') })).catch((e) => e);
      const typed = toPublishError(connectionId, error);
      expect(typed).toEqual(expect.any(typed instanceof ThrottledError ? ThrottledError : ServerError));
      kinds.add(`${error.name} ${error.$metadata.httpStatusCode}`);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(8 * 30 - 5);
    expect([...kinds].sort()).toEqual(['InternalServerErrorException 500', 'LimitExceededException 429']);
    client.destroy();
    ws.close();
    await gw.stop();
  });

  it('drops $disconnect calls at the given rate', async () => {
    const disconnect = recorder();
    const gw = await gateway({ routes: { $connect: recorder(), $disconnect: disconnect }, faults: { dropDisconnectRate: 1 } });
    const ws = await open(gw.url);
    ws.close();
    // The gateway logs the drop where it would have invoked $disconnect: after that line, no call can come.
    await waitUntil(() => /\$disconnect .* dropped \(fault injection\)/.test(gw.lines.join('\n')), 'the dropped $disconnect');
    expect(disconnect.events).toEqual([]);
    expect(gw.lines.join('\n')).toMatch(/\$disconnect .* dropped \(fault injection\)/);
    await gw.stop();
  });

  it('is set from npm start flags', () => {
    expect(parseFlags(['--fault-rate', '0.3', '--post-latency', '20ms', '--drop-disconnect', '0.3', '--fault-seed', '9']).faults).toEqual({
      throttleRate: 0.15,
      errorRate: 0.15,
      postLatencyMs: 20,
      dropDisconnectRate: 0.3,
      seed: 9,
    });
    expect(() => parseFlags(['--fault-rate', '2'])).toThrow(/--fault-rate "2" is not a fraction/);
  });

  describe('scripted answers', () => {
    it('takes a connection\'s own statuses in order, then those for any connection, then serves', () => {
      const script = new FaultScript().forConnection('a', [429, 200, 410]).forAnyConnection([500]);
      const faults = new FaultInjector({ script });
      expect(faults.active).toBe(true);
      const statuses = ['a', 'b', 'a', 'a', 'a', 'b'].map((id) => faults.managementFault(id)?.status ?? 200);
      expect(statuses).toEqual([429, 500, 200, 410, 200, 200]);
      expect(script.pending).toBe(0);
      script.forConnection('a', [403]).clear();
      expect(faults.managementFault('a')).toBeUndefined();
    });

    it('refuses a status API Gateway would not answer, and a script that is not a FaultScript', () => {
      expect(() => new FaultScript().forConnection('a', [404 as never])).toThrow(/must be one of 200, 403, 410, 413, 429, 500, got 404/);
      expect(() => new FaultInjector({ script: { take: () => 429 } as never })).toThrow(/faults.script must be a FaultScript/);
    });

    it('answers a live connection\'s posts as scripted, in AWS\'s words, and serves the call scripted 200', async () => {
      const connect = recorder();
      const script = new FaultScript();
      const faults: ScriptedGatewayFaults = { script };
      const gw = await gateway({ routes: { $connect: connect }, faults });
      const ws: WebSocket = await open(gw.url);
      const frames: string[] = [];
      ws.on('message', (data) => frames.push(data.toString()));
      const { connectionId } = (await connect.next(1)).requestContext;
      script.forConnection(connectionId, [429, 500, 403, 413, 410, 200]);
      const client = new ApiGatewayManagementApiClient({ endpoint: gw.callbackUrl, region: 'us-east-1', credentials, maxAttempts: 1 });
      const post = (text: string) =>
        client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(text) })).then(
          () => 'delivered',
          (e) => `${e.name} ${e.$metadata.httpStatusCode} ${toPublishError(connectionId, e).name}`,
        );
      const outcomes: string[] = [];
      for (let i = 0; i < 6; i++) outcomes.push(await post(`try ${i}`));
      expect(outcomes).toEqual([
        `LimitExceededException 429 ${ThrottledError.name}`,
        `InternalServerErrorException 500 ${ServerError.name}`,
        `ForbiddenException 403 ${ForbiddenError.name}`,
        `PayloadTooLargeException 413 ${PayloadTooLargeError.name}`,
        `GoneException 410 ${GoneError.name}`,
        'delivered',
      ]);
      // Past the script, calls are served as usual; the refused ones never reached the client.
      expect(await post('after the script')).toBe('delivered');
      await waitUntil(() => frames.length >= 2, 'the two delivered frames');
      expect(frames).toEqual(['try 5', 'after the script']);
      client.destroy();
      ws.close();
      await gw.stop();
    });

    it('leaves the random rates to the calls it has nothing queued for', async () => {
      const script = new FaultScript().forConnection('scripted', [200]);
      const faults = new FaultInjector({ script, errorRate: 1 });
      expect(faults.managementFault('scripted')).toBeUndefined();
      expect(faults.managementFault('scripted')?.status).toBe(500);
      expect(faults.managementFault('other')).toMatchObject({ status: 500, errorType: 'InternalServerErrorException' });
    });
  });
});
