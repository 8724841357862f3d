import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message the stub received through `SendMessage`. */
export interface ReceivedSqsMessage {
  readonly QueueUrl: string;
  readonly MessageBody: string;
  readonly MessageAttributes?: Record<string, { DataType: string; StringValue?: string }>;
}

/**
 * Just enough of SQS's JSON protocol (`X-Amz-Target: AmazonSQS.SendMessage`) for the dead-letter
 * adapter: it records what was sent and answers `{MessageId, MD5OfMessageBody}` (the SDK verifies the
 * MD5 of the body). The project's full local SQS comes with the local-cloud work; this keeps the
 * handler tests self-contained on loopback.
 */
export interface SqsStub {
  readonly endpoint: string;
  readonly queueUrl: string;
  readonly messages: ReceivedSqsMessage[];
  /** When true, every request is answered 500 (to test a failing dead-letter queue). */
  failing: boolean;
  stop(): Promise<void>;
}

export async function startSqsStub(queueName = 'dead-letters'): Promise<SqsStub> {
  const messages: ReceivedSqsMessage[] = [];
  const state = { failing: false };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: unknown, type?: string) => {
        const text = JSON.stringify(body);
        res.writeHead(status, {
          'content-type': 'application/x-amz-json-1.0',
          'content-length': Buffer.byteLength(text),
          ...(type ? { 'x-amzn-ErrorType': type } : {}),
        });
        res.end(text);
      };
      if (state.failing) return reply(500, { __type: 'InternalError', message: 'stub failing' }, 'InternalError');
      if (req.headers['x-amz-target'] !== 'AmazonSQS.SendMessage') {
        return reply(400, { __type: 'com.amazonaws.sqs#InvalidAction', message: `unsupported ${req.headers['x-amz-target']}` }, 'InvalidAction');
      }
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedSqsMessage;
      messages.push(input);
      return reply(200, {
        MessageId: randomUUID(),
        MD5OfMessageBody: createHash('md5').update(input.MessageBody, 'utf8').digest('hex'),
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    queueUrl: `${endpoint}/000000000000/${queueName}`,
    messages,
    get failing() {
      return state.failing;
    },
    set failing(v: boolean) {
      state.failing = v;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
