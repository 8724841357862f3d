/**
 * `npm run publish -- --channel scores --data '{"home":2,"away":1}'`: publishes a WebSocketPush event through
 * EventBridge. By default to the local cloud (http://127.0.0.1:3002); `--endpoint aws` (or AWS_ENDPOINT_URL
 * unset with --endpoint aws) publishes to the real AWS account of your credentials.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DEFAULT_PORTS } from '../local/http/default-ports';
import { DEFAULT_EVENT_BUS_NAME, PUSH_DETAIL_TYPE } from '../shared/events';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `usage: npm run publish -- (--channel NAME | --user ID | --connection ID | --broadcast) --data JSON
                          [--bus NAME] [--source NAME] [--endpoint URL|aws] [--region REGION]`;

function fail(message: string): never {
  process.stderr.write(`publish: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parse(argv: string[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) fail(`unexpected argument "${arg}"`);
    const [key, inline] = arg.slice(2).split(/=(.*)/s);
    if (key === 'broadcast' || key === 'help') out[key] = true;
    else if (inline !== undefined) out[key] = inline;
    else if (i + 1 < argv.length) out[key] = argv[++i];
    else fail(`--${key} needs a value`);
  }
  return out;
}

async function main(): Promise<void> {
  const a = parse(process.argv.slice(2));
  if (a.help) { process.stdout.write(`${USAGE}\n`); return; }
  const known = new Set(['channel', 'user', 'connection', 'broadcast', 'data', 'bus', 'source', 'endpoint', 'region']);
  for (const k of Object.keys(a)) if (!known.has(k)) fail(`unknown flag --${k}`);
  const audiences = (['channel', 'user', 'connection', 'broadcast'] as const).filter((k) => a[k] !== undefined);
  if (audiences.length !== 1) fail('name exactly one audience: --channel, --user, --connection or --broadcast');
  if (typeof a.data !== 'string') fail('--data is required (a JSON value, e.g. \'{"home":2,"away":1}\')');
  let data: unknown;
  try { data = JSON.parse(a.data); } catch (e) { fail(`--data is not JSON: ${(e as Error).message}`); }
  const audience = audiences[0];
  const detail =
    audience === 'channel' ? { channel: a.channel, data }
    : audience === 'user' ? { userId: a.user, data }
    : audience === 'connection' ? { connectionId: a.connection, data }
    : { broadcast: true, data };
  const endpoint = a.endpoint === 'aws' ? undefined : String(a.endpoint ?? process.env.AWS_ENDPOINT_URL ?? `http://127.0.0.1:${DEFAULT_PORTS.aws}`);
  const local = endpoint !== undefined;
  const client = new EventBridgeClient({
    endpoint,
    region: String(a.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1'),
    ...(local && !process.env.AWS_ACCESS_KEY_ID ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  const out = await client.send(new PutEventsCommand({
    Entries: [{
      EventBusName: String(a.bus ?? DEFAULT_EVENT_BUS_NAME),
      Source: String(a.source ?? 'websocket-push.cli'),
      DetailType: PUSH_DETAIL_TYPE,
      Detail: JSON.stringify(detail),
    }],
  }));
  const entry = out.Entries?.[0];
  if (out.FailedEntryCount || !entry?.EventId) fail(`EventBridge refused the event: ${entry?.ErrorCode} ${entry?.ErrorMessage}`);
  process.stdout.write(`published event ${entry.EventId} to ${audience} on bus ${a.bus ?? DEFAULT_EVENT_BUS_NAME}${local ? ` (${endpoint})` : ''}\n`);
}

main().catch((err: Error) => fail(`${err.name}: ${err.message}${/ECONNREFUSED/.test(String(err)) ? ' — is `npm start` running?' : ''}`));
