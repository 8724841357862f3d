import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Browser } from 'playwright-core';
import { CHROMIUM_MISSING, launchChromium } from '../support/browser';
import { startTestCloud, type TestCloud } from '../support/local-cloud';
import { describeRequiring } from '../support/requirements';

const maybe = describeRequiring(CHROMIUM_MISSING);

/**
 * The same scoreboard page on the AppSync transport (the fixture app, whose publishers send `data` as JSON
 * text for its AWSJSON variable): it subscribes with the local API key.
 */
maybe('scoreboard page in Chromium, AppSync transport', () => {
  let cloud: TestCloud;
  let browser: Browser;
  beforeAll(async () => {
    [cloud, browser] = await Promise.all([startTestCloud({ app: 'npx tsx test/fixtures/appsync-app/app.ts', appsyncPort: 0 }), launchChromium()]);
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
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: cloud.outputs.EventBusName, Source: 'scores', DetailType: 'WebSocketPush', Detail: JSON.stringify({ channel: 'scores', data: JSON.stringify({ home: 4, away: 2 }) }) }] }));
    events.destroy();
    await page.waitForFunction(() => document.querySelector('#home')?.textContent === '4', undefined, { timeout: 10_000 });
    expect(await page.textContent('#away')).toBe('2');
    await page.close();
  });
});
