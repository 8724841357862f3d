import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endpointsFilePath, removeEndpointsFile, writeEndpointsFile } from '../../../../local/endpoints-file';
import type { LocalCloud } from '../../../../local/local-cloud';
import { findCdkCli, synth, SynthError } from '../../../../local/synth';

describe('the project the local cloud runs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'local-project-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a folder without cdk.json, saying where to run it', async () => {
    const failure = synth({ outDir: join(dir, 'out'), projectDir: dir });
    await expect(failure).rejects.toBeInstanceOf(SynthError);
    await expect(synth({ outDir: join(dir, 'out'), projectDir: dir })).rejects.toMatchObject({
      name: 'SynthError',
      code: 'NoCdkApp',
      message: `no cdk.json in ${dir}: run websocket-push local in the folder of a CDK app, or give an already synthesized assembly with --cdk-out DIR.`,
    });
  });

  it("uses the project's own CDK CLI, else the one installed beside this package", () => {
    expect(findCdkCli(dir)).toBe(join(require.resolve('aws-cdk/package.json'), '..', 'bin', 'cdk'));
    mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', '.bin', 'cdk'), '');
    expect(findCdkCli(dir)).toBe(realpathSync(join(dir, 'node_modules', '.bin', 'cdk')));
  });

  it('writes .local-state/endpoints.json with the outputs as cdk deploy --outputs-file does, and removes only its own', () => {
    const cloud = {
      webSocketUrl: 'ws://127.0.0.1:1/live',
      callbackUrl: 'http://127.0.0.1:1/live',
      awsEndpoint: 'http://127.0.0.1:2',
      pageUrl: 'http://127.0.0.1:1/',
      outputs: { Url: 'ws://127.0.0.1:1/live' },
      model: {
        stackName: 'Shop',
        apis: [{ logicalId: 'Api', name: 'ShopApi', stage: 'live' }],
        buses: ['Shop-Bus'],
        tables: [{ name: 'Connections' }],
        queues: [{ name: 'Dlq' }],
      },
    } as unknown as LocalCloud;
    const file = writeEndpointsFile(dir, cloud);
    expect(file).toBe(join(dir, '.local-state', 'endpoints.json'));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      status: 'running',
      pid: process.pid,
      startedAt: expect.any(String),
      stackName: 'Shop',
      webSocketApis: [{ logicalId: 'Api', name: 'ShopApi', stage: 'live', url: 'ws://127.0.0.1:1/live', managementUrl: 'http://127.0.0.1:1/live' }],
      awsEndpoint: 'http://127.0.0.1:2',
      region: 'us-east-1',
      account: '000000000000',
      pageUrl: 'http://127.0.0.1:1/',
      eventBuses: ['Shop-Bus'],
      tables: ['Connections'],
      queues: ['Dlq'],
      outputs: { Shop: { Url: 'ws://127.0.0.1:1/live' } },
    });

    writeFileSync(file, JSON.stringify({ pid: process.pid + 1 })); // another cloud's, on the same project
    removeEndpointsFile(dir);
    expect(existsSync(file)).toBe(true);
    writeEndpointsFile(dir, cloud);
    removeEndpointsFile(dir);
    expect(existsSync(endpointsFilePath(dir))).toBe(false);
  });
});
