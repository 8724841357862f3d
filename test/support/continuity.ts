import { localTarget, type PushTarget } from './target';
import type { TestCloud } from './local-cloud';

/** Publishing, finding subscribers and cutting connections of a test cloud, through its real endpoints. */
export class CloudDriver {
  private readonly target: PushTarget;

  constructor(private readonly cloud: TestCloud) {
    this.target = localTarget(cloud);
  }

  /** Publishes one channel event through EventBridge; returns its id. */
  publish(channel: string, data: unknown): Promise<string> {
    return this.target.publish({ channel, data });
  }

  /** Connection ids subscribed to a channel (the registry's audience index). */
  subscribers(channel: string): Promise<string[]> {
    return this.target.subscribers(channel);
  }

  /** Closes a connection from the server side: the management API's `DELETE @connections/{id}`. */
  async disconnect(connectionId: string): Promise<number> {
    const res = await fetch(`${this.cloud.callbackUrl}/@connections/${encodeURIComponent(connectionId)}`, { method: 'DELETE' });
    return res.status;
  }

  destroy(): void {
    void this.target.stop();
  }
}

/** 1..n */
export const oneTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
