import { PushPublisher } from '../../../publisher';
import type { WebSocketMessageDetail } from '../../../shared/events';

const push = new PushPublisher();

/** The score service of the talk-back variant: answers the client that asked, with what it received. */
export const handler = async (event: { detail: WebSocketMessageDetail }) => {
  const message = event.detail;
  const asksScore = /score of yesterday's game/i.test(message.text) || message.action === 'score';
  await push.reply(message, asksScore ? { score: 'Lions 3, Tigers 1', received: message } : { received: message });
};
