/**
 * `npm run token -- --user alice --channels 'private-team-*' [--publish 'chat-*'] [--info '{"name":"Alice"}'] [--ttl 1h]`: prints a JWT of the local development
 * issuer (the key pair `npm start` trusts, kept in .local-state/dev-issuer/). Connect with it:
 * `ws://127.0.0.1:3001/prod?token=<JWT>` or subprotocols `['websocket-push', '<JWT>']`.
 */
import { MAX_PRESENCE_INFO_BYTES, parseChannelPermissions, presenceInfoOf } from '../shared/auth';
import { USER_ID_PATTERN } from '../shared/limits';
import { DEV_ISSUER_DIR, loadOrCreateDevIssuer } from '../local/dev-issuer';
import { parseDuration } from '../local/flags';

const USAGE = `usage: npm run token -- --user ID [--channels 'PATTERN[,PATTERN…]'] [--publish 'PATTERN[,PATTERN…]'] [--info JSON] [--ttl DURATION] [--key-dir DIR]
  --user ID         the token's "sub" (letters, digits and "_-.:@=,|+")
  --channels LIST   channel permissions, comma- or space-separated; "*" is a wildcard, e.g. 'private-team-42-*'
  --publish LIST    channels the holder may publish to (the "publish" claim), same syntax, e.g. 'chat-*'
  --info JSON       the user's presence info (the "info" claim), any JSON up to ${MAX_PRESENCE_INFO_BYTES} bytes, e.g. '{"name":"Alice"}'
  --ttl DURATION    lifetime, e.g. 30s, 15m, 1h (default 1h; at most 24h)
  --key-dir DIR     the development key pair (default ${DEV_ISSUER_DIR})`;

function fail(message: string): never {
  process.stderr.write(`token: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args: Record<string, string> = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      return;
    }
    if (!arg.startsWith('--')) fail(`unexpected argument "${arg}"`);
    const [key, inline] = arg.slice(2).split(/=(.*)/s);
    if (!['user', 'channels', 'publish', 'info', 'ttl', 'key-dir'].includes(key)) fail(`unknown flag --${key}`);
    const value = inline ?? argv[++i];
    if (value === undefined) fail(`--${key} needs a value`);
    args[key] = value;
  }
  const user = args.user;
  if (!user) fail('--user is required');
  if (!USER_ID_PATTERN.test(user)) fail(`--user "${user}" is not a valid user id (letters, digits and "_-.:@=,|+", starting with a letter or digit)`);
  const patterns = (flag: 'channels' | 'publish') => {
    const requested = (args[flag] ?? '').split(/[\s,]+/).filter((c) => c.length > 0);
    const accepted = parseChannelPermissions(requested);
    const rejected = requested.filter((c) => !accepted.includes(c));
    if (rejected.length > 0) fail(`invalid --${flag} pattern(s): ${rejected.join(', ')} (a channel name, where "*" may also appear)`);
    return accepted;
  };
  const channels = patterns('channels');
  const publish = args.publish !== undefined ? patterns('publish') : undefined;
  let info: unknown;
  if (args.info !== undefined) {
    try {
      info = JSON.parse(args.info);
    } catch {
      fail('--info must be JSON, e.g. \'{"name":"Alice"}\'');
    }
    if (presenceInfoOf(info) === undefined) fail(`--info is over ${MAX_PRESENCE_INFO_BYTES} bytes of JSON`);
  }
  let ttlMs: number;
  try {
    ttlMs = parseDuration('--ttl', args.ttl ?? '1h');
  } catch (error) {
    fail((error as Error).message);
  }
  if (ttlMs > 24 * 3_600_000) fail('--ttl is at most 24h');
  const issuer = await loadOrCreateDevIssuer(args['key-dir']);
  const token = await issuer.sign({
    user,
    channels,
    ...(publish !== undefined ? { publish } : {}),
    ...(info !== undefined ? { info } : {}),
    ttlSeconds: Math.max(1, Math.round(ttlMs / 1000)),
  });
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`token: ${(error as Error).message}\n`);
  process.exit(1);
});
