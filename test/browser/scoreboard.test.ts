import type { Browser } from 'playwright-core';
import { CHROMIUM_MISSING, launchChromium } from '../support/browser';
import { startTestCloud, type TestCloud } from '../support/local-cloud';
import { localTarget } from '../support/target';
import { describeRequiring } from '../support/requirements';

const maybe = describeRequiring(CHROMIUM_MISSING);

/** The page a person sees: Chromium opens it, an event is published through EventBridge, the page shows it. */
maybe('scoreboard page in Chromium', () => {
  let cloud: TestCloud;
  let browser: Browser;
  beforeAll(async () => {
    [cloud, browser] = await Promise.all([startTestCloud(), launchChromium()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await cloud?.stop();
  });

  it('shows a published score', async () => {
    const page = await browser.newPage();
    await page.goto(cloud.pageUrl);
    await page.waitForSelector('#state[data-state="subscribed"]', { timeout: 15_000 });
    const target = localTarget(cloud);
    await target.publish({ channel: 'scores', data: { home: 3, away: 1 } });
    await target.stop();
    await page.waitForFunction(() => document.querySelector('#home')?.textContent === '3', undefined, { timeout: 10_000 });
    expect(await page.textContent('#away')).toBe('1');
    await page.close();
  });
});
