import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Browser } from 'playwright-core';
import { CHROMIUM_MISSING, launchChromium } from '../support/browser';
import { startTestCloud, type TestCloud } from '../support/local-cloud';
import { describeRequiring } from '../support/requirements';

const maybe = describeRequiring(CHROMIUM_MISSING);

/**
 * The same scoreboard page on the AppSync transport: it subscribes with the local API key. The stack's relay
 * JSON-encodes `data` for the AWSJSON variable; the fixture app's publishers send it as JSON text.
 */
const VARIANTS: { name: string; app?: string; context: Record<string, string>; data: (d: unknown) => unknown }[] = [
  { name: 'the stack with -c transport=appsync', app: undefined, context: { transport: 'appsync' }, data: (d: unknown) => d },
  { name: 'the fixture app', app: 'npx tsx test/fixtures/appsync-app/app.ts', context: {}, data: (d: unknown) => JSON.stringify(d) },
];

for (const variant of VARIANTS) maybe(`scoreboard page in Chromium, AppSync transport: ${variant.name}`, () => {
  let cloud: TestCloud;
  let browser: Browser;
  beforeAll(async () => {
    [cloud, browser] = await Promise.all([startTestCloud({ app: variant.app, context: variant.context, appsyncPort: 0 }), launchChromium()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await cloud?.stop();
  });

  it('shows a score published with PutEvents', async () => {
    const page = await browser.newPage();
    await page.goto(cloud.pageUrl);
    await page.waitForSelector('#state[data-state="subscribed"]', { timeout: 15_000 });
    const events = new EventBridgeClient({ endpoint: cloud.awsEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: cloud.outputs.EventBusName, Source: 'scores', DetailType: 'WebSocketPush', Detail: JSON.stringify({ channel: 'scores', data: variant.data({ home: 4, away: 2 }) }) }] }));
    events.destroy();
    await page.waitForFunction(() => document.querySelector('#home')?.textContent === '4', undefined, { timeout: 10_000 });
    expect(await page.textContent('#away')).toBe('2');
    await page.close();
  });
});
