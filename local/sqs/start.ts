import type { CloudEventSink } from '../console/event-hub';
import type { LocalService } from '../service/local-service';
import { queueNameOf } from './addresses';
import { LocalSqs, type QueueDefinition } from './local-sqs';
import type { SqsMessageAttributeValue } from './md5';

/** What SQS needs besides the model. */
export interface SqsDeps {
  /** The AWS endpoint's URL (bound before the model was read): queue URLs name it. */
  readonly endpointUrl: string;
  /** Names of the queues that are dead-letter queues: a message arriving in one is reported to `events`. */
  readonly deadLetterQueues?: readonly string[];
  /** Where dead-letter arrivals are reported (the console). @default none */
  readonly events?: CloudEventSink;
  readonly log: (line: string) => void;
}

/** The running SQS: `api` is what the AWS endpoint routes `AmazonSQS.*` to, and where event sources poll. */
export interface RunningSqs extends LocalService {
  readonly api: LocalSqs;
  /** `SendMessage` to a queue named by its ARN (on-failure destinations, dead-letter queues). */
  sendMessage(queueArn: string, body: string, attributes?: Record<string, SqsMessageAttributeValue>): Promise<void>;
}

/** Starts SQS with the stack's queues. */
export async function startSqs(model: { readonly queues: readonly QueueDefinition[] }, deps: SqsDeps): Promise<RunningSqs> {
  const deadLetter = new Set(deps.deadLetterQueues ?? []);
  const api = new LocalSqs({
    endpointUrl: deps.endpointUrl,
    log: deps.log,
    onMessage: (queue, m) => {
      if (!deadLetter.has(queue)) return;
      const reason = m.attributes.reason?.StringValue ?? m.attributes.ERROR_MESSAGE?.StringValue;
      deps.events?.publish('dead-letter', `dead letter in ${queue}${reason ? `: ${reason}` : ''}`, { queue, messageId: m.messageId, reason });
    },
  });
  await api.start();
  for (const q of model.queues) {
    api.addQueue({ name: q.name, visibilityTimeoutSeconds: q.visibilityTimeoutSeconds, redrivePolicy: q.redrivePolicy });
  }
  return {
    urls: {},
    api,
    sendMessage: async (queueArn, body, attributes) => {
      await api.handle('SendMessage', {
        QueueUrl: api.queueUrl(queueNameOf(queueArn)),
        MessageBody: body,
        ...(attributes ? { MessageAttributes: attributes } : {}),
      });
    },
    stop: () => api.stop(),
  };
}
