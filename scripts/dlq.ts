/**
 * `npm run dlq -- list|redrive`: shows each message of the push dead-letter queue as one readable line, or
 * sends the redrivable ones (events EventBridge failed to deliver, or the push function kept failing on)
 * back to the bus and deletes them from the queue. By default against the local cloud
 * (http://127.0.0.1:3002); `--endpoint aws` uses the AWS account of your credentials.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ListQueuesCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { DEFAULT_PORTS } from '../local/http/default-ports';
import { DEFAULT_EVENT_BUS_NAME } from '../shared/events';
import { describeDeadLetter } from './dead-letter-shapes';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `usage: npm run dlq -- list|redrive [--queue URL] [--bus NAME] [--max N] [--endpoint URL|aws] [--region REGION]
  list      one line per message (none is consumed)
  redrive   put each redrivable event back on the bus (--bus, default ${DEFAULT_EVENT_BUS_NAME}) and delete it
            from the queue; invalid events stay (they would be refused again)
  --queue   the dead-letter queue (default: the queue whose name holds EventPushDeadLetterQueue)`;

/** How long a message read stays hidden while the queue is walked; it is made visible again at the end. */
const WALK_VISIBILITY_SECONDS = 60;

function fail(message: string): never {
  process.stderr.write(`dlq: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parse(argv: string[]): { command: string; flags: Record<string, string> } {
  const [command, ...rest] = argv;
  if (command === '--help' || command === undefined) { process.stdout.write(`${USAGE}\n`); process.exit(command ? 0 : 2); }
  if (command !== 'list' && command !== 'redrive') fail(`unknown command "${command}"`);
  const flags: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const [key, inline] = rest[i].replace(/^--/, '').split(/=(.*)/s);
    if (!rest[i].startsWith('--') || !['queue', 'bus', 'max', 'endpoint', 'region'].includes(key)) fail(`unknown argument "${rest[i]}"`);
    const value = inline ?? rest[++i];
    if (value === undefined) fail(`--${key} needs a value`);
    flags[key] = value;
  }
  return { command, flags };
}

async function main(): Promise<void> {
  const { command, flags } = parse(process.argv.slice(2));
  const endpoint = flags.endpoint === 'aws' ? undefined : (flags.endpoint ?? process.env.AWS_ENDPOINT_URL ?? `http://127.0.0.1:${DEFAULT_PORTS.aws}`);
  const config = {
    endpoint,
    region: flags.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(endpoint !== undefined && !process.env.AWS_ACCESS_KEY_ID ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  };
  const sqs = new SQSClient(config);
  const queueUrl = flags.queue ?? (await findQueue(sqs));
  const max = Number(flags.max ?? 100);
  if (!Number.isInteger(max) || max < 1) fail('--max must be a whole number above 0');
  const events = new EventBridgeClient(config);
  let seen = 0;
  let redriven = 0;
  const kept: string[] = [];
  while (seen < max) {
    const out = await sqs.send(new ReceiveMessageCommand({
      QueueUrl: queueUrl, MaxNumberOfMessages: Math.min(10, max - seen), MessageAttributeNames: ['All'], VisibilityTimeout: WALK_VISIBILITY_SECONDS, WaitTimeSeconds: 0,
    }));
    const messages: Message[] = out.Messages ?? [];
    if (messages.length === 0) break;
    for (const message of messages) {
      seen++;
      const described = describeDeadLetter(message);
      if (command === 'list' || !described.event) {
        process.stdout.write(`${described.line}${command === 'redrive' ? '  (kept)' : ''}\n`);
        kept.push(message.ReceiptHandle!);
        continue;
      }
      const e = described.event;
      const put = await events.send(new PutEventsCommand({
        Entries: [{ EventBusName: flags.bus ?? DEFAULT_EVENT_BUS_NAME, Source: e.source, DetailType: e['detail-type'], Detail: JSON.stringify(e.detail), Resources: e.resources ? [...e.resources] : undefined }],
      }));
      if (put.FailedEntryCount) {
        process.stdout.write(`${described.line}  (not redriven: ${put.Entries?.[0]?.ErrorCode} ${put.Entries?.[0]?.ErrorMessage})\n`);
        kept.push(message.ReceiptHandle!);
        continue;
      }
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      redriven++;
      process.stdout.write(`${described.line}  (redriven as ${put.Entries?.[0]?.EventId})\n`);
    }
  }
  // What was only read is visible again at once, for the next list or redrive.
  for (const handle of kept) await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: handle, VisibilityTimeout: 0 }));
  process.stdout.write(`${seen} message(s)${command === 'redrive' ? `, ${redriven} redriven` : ''} in ${queueUrl}\n`);
}

async function findQueue(sqs: SQSClient): Promise<string> {
  const urls = (await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? [];
  const matches = urls.filter((u) => /EventPushDeadLetterQueue/.test(u.split('/').pop() ?? ''));
  if (matches.length !== 1) fail(`${matches.length} queues look like the push dead-letter queue (${matches.join(', ') || 'none'}); give --queue URL (the stack output DeadLetterQueueUrl)`);
  return matches[0];
}

main().catch((err: Error) => fail(`${err.name}: ${err.message}${/ECONNREFUSED/.test(String(err)) ? ' — is `npm start` running?' : ''}`));
