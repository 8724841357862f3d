import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from '../../local/local-cloud';
import { synthesized } from './assembly';

/** Lines the local cloud printed, for assertions and for a failing test's diagnosis. */
export interface TestCloud extends LocalCloud {
  lines: string[];
}

/**
 * Starts the local cloud on free loopback ports from the synthesized app (synthesized once per run and
 * per variant). Quiet: lines are kept in `lines`; set WSP_TEST_LOG=1 to print them.
 */
export async function startTestCloud(
  opts: Omit<LocalCloudOptions, 'cdkOut'> & { app?: string } = {},
): Promise<TestCloud> {
  const cdkOut = await synthesized({ context: opts.context, app: opts.app });
  const lines: string[] = [];
  const cloud = await startLocalCloud({
    port: 0,
    awsPort: 0,
    ttlSweepIntervalMs: 200,
    asyncRetryDelayMs: () => 50,
    eventBridgeRetryBaseDelayMs: 20,
    ...opts,
    cdkOut,
    log: (line) => {
      lines.push(line);
      if (process.env.WSP_TEST_LOG) process.stdout.write(`${line}\n`);
    },
  });
  return Object.assign(cloud, { lines });
}
