import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_MISSING, launchChromium } from '../support/browser';
import { CloudDriver, oneTo } from '../support/continuity';
import { startTestCloud, type TestCloud } from '../support/local-cloud';
import { waitUntil } from '../support/wait-until';
import { describeRequiring } from '../support/requirements';

const maybe = describeRequiring(CHROMIUM_MISSING);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The scoreboard page's own client (served at /client.js) through cuts, in Chromium. */
maybe('scoreboard page in Chromium: cut connections lose nothing', () => {
  let cloud: TestCloud;
  let browser: Browser;
  let driver: CloudDriver;
  beforeAll(async () => {
    [cloud, browser] = await Promise.all([startTestCloud(), launchChromium()]);
    driver = new CloudDriver(cloud);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    driver?.destroy();
    await cloud?.stop();
  });

  const seqsOnPage = (page: Page) => page.evaluate(() => (window as unknown as { received: Array<{ seq: number }> }).received.map((m) => m.seq));

  it('a server-side close and a dropped socket while scores keep coming: every update once, in order, shown', async () => {
    const page = await browser.newPage();
    await page.goto(`${cloud.pageUrl}?channel=browser-scores`);
    await page.waitForSelector('#state[data-state="subscribed"]', { timeout: 15_000 });
    const n = 12;
    for (let i = 1; i <= n; i++) {
      if (i === 4) {
        // Server side: API Gateway's management API closes the page's connection.
        await waitUntil(
          async () => (await Promise.all((await driver.subscribers('browser-scores')).map((id) => driver.disconnect(id)))).includes(204),
          'a live connection to cut',
        );
      }
      if (i === 8) {
        // Client side: the socket goes away without a close handshake reaching the server first.
        await page.waitForFunction(() => (window as unknown as { pushClient: { state: string } }).pushClient.state === 'open');
        await page.evaluate(() => (window as unknown as { pushClient: { socket: WebSocket } }).pushClient.socket.close(4001, 'test'));
      }
      await driver.publish('browser-scores', { home: i, away: 0 });
      await sleep(40);
    }
    await page.waitForFunction((count) => (window as unknown as { received: unknown[] }).received.length >= count, n, { timeout: 15_000 });
    await cloud.idle();
    expect(await seqsOnPage(page)).toEqual(oneTo(n));
    // Pushes run concurrently, so seq order may differ from publish order: the board shows the last seq's score.
    const lastHome = await page.evaluate(() => (window as unknown as { received: Array<{ data: { home: number } }> }).received.at(-1)!.data.home);
    expect(await page.textContent('#home')).toBe(String(lastHome));
    expect(await page.locator('#log li[data-seq]').count()).toBe(n);
    expect(await page.locator('#log li', { hasText: '(replayed)' }).count()).toBeGreaterThan(0);
    await page.close();
  });
});
