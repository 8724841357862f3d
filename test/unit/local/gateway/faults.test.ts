import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { FaultInjector, seededRandom } from '../../../../local/gateway/faults';
import { parseFlags } from '../../../../local/flags';
import { toPublishError } from '../../../../lambdas/adapters/management-api-publisher';
import { ServerError, ThrottledError } from '../../../../lambdas/core/errors';
import { gateway, open, recorder } from './helpers';

const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };

describe('gateway fault injection', () => {
  it('is deterministic for a seed', () => {
    const a = new FaultInjector({ throttleRate: 0.2, errorRate: 0.2, seed: 42 });
    const b = new FaultInjector({ throttleRate: 0.2, errorRate: 0.2, seed: 42 });
    const run = (f: FaultInjector) => Array.from({ length: 200 }, () => f.managementFault());
    const seq = run(a);
    expect(run(b)).toEqual(seq);
    expect(seq.filter((x) => x === 'throttle').length).toBeGreaterThan(20);
    expect(seq.filter((x) => x === 'error').length).toBeGreaterThan(20);
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
    await new Promise((r) => setTimeout(r, 200));
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
});
