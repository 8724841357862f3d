import { PushError } from '../shared/errors';
import { DEFAULT_PORTS } from './http/default-ports';

/** A command-line flag of `websocket-push local` (`npm start`) is wrong; the message names it and says what it accepts. */
export class FlagError extends PushError {
  constructor(message: string) {
    super('InvalidFlag', message);
  }
}

/** Options of `npm start` (the local cloud), from its flags. */
export interface LocalFlags {
  host: string;
  /** Gateway port (WebSocket API, management API, page). 0 picks a free port. */
  port: number;
  /** AWS endpoint port (DynamoDB, EventBridge, SQS). 0 picks a free port. */
  awsPort: number;
  /** AppSync port (GraphQL and real-time), used when the stack has a GraphQL API. 0 picks a free port. */
  appsyncPort: number;
  /** Context values passed to `cdk synth` (`-c key=value`), e.g. stageName. */
  context: Record<string, string>;
  /** Folder of an existing cloud assembly; with it, no synth is run. */
  cdkOut?: string;
  stack?: string;
  /** Keep the tables in this folder across restarts (default: in memory). */
  persist?: string;
  idleTimeoutMs?: number;
  maxConnectionMs?: number;
  watch: boolean;
  /** Do not trust the development issuer: no authorizer, public channels only (unless -c authIssuer=… is given). */
  noDevIssuer: boolean;
  /** Do not enforce the functions' IAM roles locally. */
  noIam: boolean;
  verbose: boolean;
  help: boolean;
  /** Fault injection in the gateway (`--fault-rate`, `--post-latency`, `--drop-disconnect`, `--fault-seed`). */
  faults: { throttleRate?: number; errorRate?: number; postLatencyMs?: number; dropDisconnectRate?: number; seed?: number };
}

export const USAGE = `usage: websocket-push local [flags]     (in this repository: npm start -- [flags])
  Synthesizes the CDK app of the current folder (its cdk.json) and runs it locally; writes the URLs and names
  to .local-state/endpoints.json while it runs.
  --port N              gateway port: WebSocket API, management API and page (default ${DEFAULT_PORTS.gateway}; 0 = free port)
  --aws-port N          AWS endpoint port: DynamoDB, EventBridge, SQS (default ${DEFAULT_PORTS.aws}; 0 = free port)
  --appsync-port N      AppSync port: GraphQL and real-time, for a stack with a GraphQL API (default ${DEFAULT_PORTS.appsync}; 0 = free port)
  --host ADDR           address to listen on (default 127.0.0.1)
  --stage NAME          stage name (passed to the synth as -c stageName=NAME)
  -c, --context K=V     any CDK context value for the synth (repeatable)
  --cdk-out DIR         run an already synthesized cloud assembly instead of synthesizing
  --stack NAME          the stack to run when the assembly holds several
  --persist DIR         keep the tables in DIR across restarts (default: in memory)
  --idle-timeout DUR    close idle connections after DUR (default 10m, as API Gateway), e.g. 500ms, 30s
  --max-connection DUR  close every connection after DUR (default 2h, as API Gateway)
  --no-dev-issuer       do not trust the local development issuer (default: trusted, anonymous allowed;
                        see npm run token). Given -c authIssuer=…, the dev issuer is not used either.
  --no-iam              do not enforce the functions' IAM roles (default: a call a function's role does not
                        allow is answered AccessDeniedException, as AWS answers it; other callers are not restricted)
  --watch               re-synthesize and restart when the app's sources change (cdk.json's watch.include and
                        watch.exclude, as cdk watch; without them every file but node_modules/ and cdk.out/)
  --verbose             also log every frame's route, every AWS API request and Lambda's START/END/REPORT lines
  --fault-rate R        fault injection: a fraction R (0-1) of management-API calls answer 429 LimitExceededException
                        or 500 InternalServerErrorException (half each), as AWS answers them
  --post-latency DUR    fault injection: add DUR to every management-API call (the real round trip), e.g. 20ms
  --drop-disconnect R   fault injection: drop a fraction R (0-1) of $disconnect calls (AWS delivers them best-effort)
  --fault-seed N        seed of the fault injection, for repeatable runs (default random)
  --help                this text`;

/** Parses a duration such as `500ms`, `30s`, `10m`, `2h` (a bare number is milliseconds). */
export function parseDuration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new FlagError(`${flag} "${text}" is not a duration. Use a number with ms, s, m or h, e.g. ${flag} 30s.`);
  const n = Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 'ms') as 'ms'];
  if (n <= 0) throw new FlagError(`${flag} must be more than zero, e.g. ${flag} 30s.`);
  return n;
}

function parsePort(flag: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535) {
    throw new FlagError(`${flag} "${text}" is not a port. Use 0 to 65535 (0 picks a free port), e.g. ${flag} ${DEFAULT_PORTS.gateway}.`);
  }
  return Number(text);
}

/** Parses a fraction from 0 to 1, e.g. `0.3`. */
export function parseFraction(flag: string, text: string): number {
  const n = /^\d*\.?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!(n >= 0 && n <= 1)) throw new FlagError(`${flag} "${text}" is not a fraction. Use a number from 0 to 1, e.g. ${flag} 0.3.`);
  return n;
}

/** Parses a latency: a duration such as `20ms`, or 0. */
function parseLatency(flag: string, text: string): number {
  if (/^0(ms|s)?$/.test(text.trim())) return 0;
  return parseDuration(flag, text);
}

/** The CLI's one command, also the default: `websocket-push local`. */
export const LOCAL_COMMAND = 'local';

/** Parses `websocket-push [local] [flags]`; throws FlagError naming the bad command or flag. */
export function parseFlags(argv: string[]): LocalFlags {
  const flags: LocalFlags = { host: '127.0.0.1', port: DEFAULT_PORTS.gateway, awsPort: DEFAULT_PORTS.aws, appsyncPort: DEFAULT_PORTS.appsync, context: {}, watch: false, noDevIssuer: false, noIam: false, verbose: false, help: false, faults: {} };
  const first = argv[0];
  if (first !== undefined && !first.startsWith('-') && first !== LOCAL_COMMAND) {
    throw new FlagError(`unknown command "${first}". The command is ${LOCAL_COMMAND}: websocket-push ${LOCAL_COMMAND} [flags]. See --help.`);
  }
  for (let i = first === LOCAL_COMMAND ? 1 : 0; i < argv.length; i++) {
    const raw = argv[i];
    const [name, inline] = raw.startsWith('--') ? raw.split(/=(.*)/s) : [raw, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw new FlagError(`${name} needs a value. See --help.`);
      return next;
    };
    switch (name) {
      case '--port': flags.port = parsePort(name, value()); break;
      case '--aws-port': flags.awsPort = parsePort(name, value()); break;
      case '--appsync-port': flags.appsyncPort = parsePort(name, value()); break;
      case '--host': flags.host = value(); break;
      case '--stage': flags.context.stageName = value(); break;
      case '-c':
      case '--context': {
        const kv = value();
        const eq = kv.indexOf('=');
        if (eq < 1) throw new FlagError(`${name} "${kv}" must be KEY=VALUE, e.g. ${name} stageName=dev.`);
        flags.context[kv.slice(0, eq)] = kv.slice(eq + 1);
        break;
      }
      case '--cdk-out': flags.cdkOut = value(); break;
      case '--stack': flags.stack = value(); break;
      case '--persist': flags.persist = value(); break;
      case '--idle-timeout': flags.idleTimeoutMs = parseDuration(name, value()); break;
      case '--max-connection': flags.maxConnectionMs = parseDuration(name, value()); break;
      case '--watch': flags.watch = true; break;
      case '--no-dev-issuer': flags.noDevIssuer = true; break;
      case '--no-iam': flags.noIam = true; break;
      case '--fault-rate': {
        const rate = parseFraction(name, value());
        flags.faults.throttleRate = rate / 2;
        flags.faults.errorRate = rate / 2;
        break;
      }
      case '--post-latency': flags.faults.postLatencyMs = parseLatency(name, value()); break;
      case '--drop-disconnect': flags.faults.dropDisconnectRate = parseFraction(name, value()); break;
      case '--fault-seed': {
        const text = value();
        if (!/^\d{1,10}$/.test(text)) throw new FlagError(`${name} "${text}" is not a seed. Use a whole number, e.g. ${name} 42.`);
        flags.faults.seed = Number(text);
        break;
      }
      case '-v':
      case '--verbose': flags.verbose = true; break;
      case '-h':
      case '--help': flags.help = true; break;
      default:
        throw new FlagError(`unknown flag "${raw}". See --help.`);
    }
  }
  if (flags.port !== 0 && flags.port === flags.awsPort) {
    throw new FlagError(`--port and --aws-port are both ${flags.port}; give them different ports.`);
  }
  return flags;
}
