import type { Browser, Page } from 'playwright-core';
import { devIssuerContext, type DevIssuer } from '../../local/dev-issuer';
import { CHROMIUM_MISSING, launchChromium } from '../support/browser';
import { describeRequiring } from '../support/requirements';
import { startTestCloud, type TestCloud } from '../support/local-cloud';
import { localTarget, type PushTarget } from '../support/target';
import { TestClient } from '../support/ws-client';
import { runDevIssuer } from '../support/dev-issuer';

const maybe = describeRequiring(CHROMIUM_MISSING);

/** The local console, as a person debugging sees it in Chromium, driven by a real client and a real publish. */
maybe('local console in Chromium', () => {
  let cloud: TestCloud;
  let browser: Browser;
  let page: Page;
  let target: PushTarget;
  let client: TestClient;
  let connectionId: string;

  let issuer: DevIssuer;

  beforeAll(async () => {
    issuer = await runDevIssuer();
    // Anonymous connections as by default, and tokens for a presence channel.
    [cloud, browser] = await Promise.all([startTestCloud({ context: { ...devIssuerContext(issuer), allowAnonymous: 'true' } }), launchChromium()]);
    target = localTarget(cloud);
    page = await browser.newPage();
    await page.goto(cloud.consoleUrl);
    await page.waitForSelector('#live[data-state="open"]', { timeout: 15_000 });
  }, 120_000);
  afterAll(async () => {
    client?.ws.close();
    await target?.stop();
    await browser?.close();
    await cloud?.stop();
  });

  it('shows a connection with its origin and its subscription, and the channel', async () => {
    client = await TestClient.connect(cloud.webSocketUrl, { headers: { Origin: 'http://app.example' } });
    await client.subscribe('scores');
    const row = await page.waitForSelector('#connections tr[data-id] >> text=scores', { timeout: 10_000 });
    connectionId = (await row.evaluate((el) => el.closest('tr')!.getAttribute('data-id')))!;
    expect(connectionId).toMatch(/\S+/);
    expect(await page.textContent(`#connections tr[data-id="${connectionId}"]`)).toContain('http://app.example');
    await page.waitForFunction(() => document.querySelector('#channels tr[data-channel="scores"] .subscribers')?.textContent?.startsWith('1'));
    await page.waitForSelector('#stream li[data-kind="connect"]');
    await page.waitForSelector('#stream li[data-kind="frame"] >> text=subscribe');
  });

  it('publishes from the form and shows the push it caused', async () => {
    await page.selectOption('#audience-kind', 'channel');
    await page.fill('#audience-value', 'scores');
    await page.fill('#publish-data', '{"home": 4, "away": 2}');
    await page.click('#publish button[type="submit"]');
    await page.waitForFunction(() => /delivered 1, gone 0, failed 0/.test(document.querySelector('.push-report')?.textContent ?? ''), undefined, { timeout: 15_000 });
    expect(await page.textContent('#publish-result')).toMatch(/rule /);
    const message = await client.next((m) => m.type === 'message' && m.channel === 'scores');
    expect(message.data).toEqual({ home: 4, away: 2 });
    await page.waitForSelector('#stream li[data-kind="put-events"]');
    await page.waitForFunction(() => document.querySelector('#channels tr[data-channel="scores"] .seq')?.textContent === '1');
  });

  it("shows a presence channel's members and what a resuming client can replay", async () => {
    const token = await issuer.sign({ user: 'alice', channels: ['presence-lobby'], info: { name: 'Alice' } });
    const [tab1, tab2] = [await TestClient.connect(`${cloud.webSocketUrl}?token=${token}`), await TestClient.connect(`${cloud.webSocketUrl}?token=${token}`)];
    try {
      for (const tab of [tab1, tab2]) await tab.subscribe('presence-lobby');
      await page.waitForFunction(() => document.querySelector('#channels tr[data-channel="presence-lobby"] .members')?.textContent === '1: alice {"name":"Alice"} ×2', undefined, { timeout: 10_000 });
      await target.publish({ channel: 'presence-lobby', data: 'one' });
      await target.publish({ channel: 'presence-lobby', data: 'two' });
      await page.waitForFunction(() => /^seq 1–2 \(2\)/.test(document.querySelector('#channels tr[data-channel="presence-lobby"] .replay')?.textContent ?? ''), undefined, { timeout: 15_000 });
    } finally {
      tab1.close();
      tab2.close();
    }
    await page.waitForFunction(() => document.querySelector('#channels tr[data-channel="presence-lobby"] .members')?.textContent === '0', undefined, { timeout: 10_000 });
  });

  it('shows a dead letter, readable, and redrives it', async () => {
    await target.publish({ data: 'no audience' });
    const entry = await page.waitForSelector('#dead-letters li[data-message-id]', { timeout: 15_000 });
    const messageId = await entry.getAttribute('data-message-id');
    expect(await entry.textContent()).toContain('no audience');
    await page.waitForSelector('#stream li[data-kind="dead-letter"]');
    await entry.$eval('.redrive', (b) => (b as HTMLButtonElement).click());
    // Sent back to the bus, the event is invalid again: its old message is gone and a new one arrives.
    await page.waitForFunction((id) => {
      const ids = Array.from(document.querySelectorAll('#dead-letters li[data-message-id]')).map((li) => li.getAttribute('data-message-id'));
      return ids.length > 0 && !ids.includes(id);
    }, messageId, { timeout: 15_000 });
  });

  it('disconnects a connection through the management API', async () => {
    await page.click(`#connections tr[data-id="${connectionId}"] .disconnect`);
    expect(await client.closed()).toBe(1000);
    await page.waitForSelector('#stream li[data-kind="disconnect"]');
    await page.waitForSelector(`#connections tr[data-id="${connectionId}"]`, { state: 'detached' });
  });
});
