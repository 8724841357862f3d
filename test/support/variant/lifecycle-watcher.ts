import { PushPublisher } from '../../../publisher';
import { LIFECYCLE_DETAIL_TYPES } from '../../../shared/events';

const push = new PushPublisher();

/** Channel the talk-back variant's watcher pushes every lifecycle event to. */
const WATCH_CHANNEL = 'lifecycle-watch';

/** Pushes each lifecycle event to the watch channel, and greets each new connection. */
export const handler = async (event: { 'detail-type': string; detail: { connectionId: string; channel?: string } }) => {
  if (event.detail.channel === WATCH_CHANNEL) return; // the watchers' own channel
  await push.toChannel(WATCH_CHANNEL, { detailType: event['detail-type'], detail: event.detail });
  if (event['detail-type'] === LIFECYCLE_DETAIL_TYPES.connected) {
    await push.toConnection(event.detail.connectionId, { greeting: 'welcome' });
  }
};
