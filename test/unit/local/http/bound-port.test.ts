import WebSocket from 'ws';
import { startAwsEndpoint } from '../../../../local/aws-endpoint';
import { startGateway } from '../../../../local/gateway';
import { bindPort } from '../../../../local/http/bound-port';

describe('bindPort', () => {
  it('binds a free port whose URL is known before any service answers on it', async () => {
    const port = await bindPort('127.0.0.1', 0);
    expect(port.port).toBeGreaterThan(0);
    expect(port.url).toBe(`http://127.0.0.1:${port.port}`);
    await port.close();
    await expect(port.close()).resolves.toBeUndefined();
  });

  it('rejects a port that is taken, with EADDRINUSE', async () => {
    const first = await bindPort('127.0.0.1', 0);
    await expect(bindPort('127.0.0.1', first.port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await first.close();
  });

  it('brackets an IPv6 host in the URL', async () => {
    const port = await bindPort('::1', 0).catch(() => undefined);
    if (!port) return; // no IPv6 loopback on this machine
    expect(port.url).toBe(`http://[::1]:${port.port}`);
    await port.close();
  });

  it('lets the AWS endpoint and the gateway answer on the ports bound for them', async () => {
    const awsPort = await bindPort('127.0.0.1', 0);
    const gatewayPort = await bindPort('127.0.0.1', 0);
    const aws = await startAwsEndpoint({ port: awsPort, services: [] });
    const gateway = await startGateway({
      port: gatewayPort, stage: 'dev', apiId: 'abcdefghij', routeSelectionExpression: '$request.body.action',
      routes: { $default: { invoke: async () => ({ statusCode: 200 }) } },
    });
    try {
      expect(aws.url).toBe(awsPort.url);
      expect(await (await fetch(`${awsPort.url}/`)).json()).toEqual({ ok: true });
      expect(gateway.url).toBe(`ws://127.0.0.1:${gatewayPort.port}/dev`);
      expect(gateway.callbackUrl).toBe(`${gatewayPort.url}/dev`);
      const ws = new WebSocket(gateway.url);
      await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
      expect(gateway.connections()).toBe(1);
      ws.terminate();
    } finally {
      await gateway.stop();
      await aws.stop();
    }
    expect(gatewayPort.server.listening).toBe(false);
    expect(awsPort.server.listening).toBe(false);
  });
});
