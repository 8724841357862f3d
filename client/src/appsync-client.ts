import { APPSYNC_NAMES } from '../../shared/appsync';
import { reconnectDelay, type BackoffOptions } from './backoff';
import type { ChannelMessage } from './channel-stream';
import { Emitter } from './emitter';
import { CLIENT_ERROR_CODES, PushClientError } from './errors';
import { PushClient, type ConnectionState, type PushClientEvents, type PushClientOptions, type WebSocketConstructor, type WebSocketLike } from './push-client';
import { RecentIds } from './recent-ids';

/**
 * The subscription each `subscribe(channel)` starts, with the schema's fixed names (`shared/appsync.ts`):
 * `onPush(channel)` returns `Message { channel id data }`, `data` being `AWSJSON` (JSON text on the wire).
 */
export const APPSYNC_SUBSCRIPTION = `subscription OnPush($channel: String!) { ${APPSYNC_NAMES.onPushField}(channel: $channel) { channel id data } }`;
/** The real-time subprotocol (https://docs.aws.amazon.com/appsync/latest/devguide/real-time-websocket-client.html). */
const GRAPHQL_WS = 'graphql-ws';

/** Options of {@link AppSyncPushClient}. */
export interface AppSyncPushClientOptions {
  readonly transport: 'appsync';
  /** The real-time URL: `wss://<id>.appsync-realtime-api.<region>.amazonaws.com/graphql`, or a custom domain's `…/graphql/realtime`. */
  readonly url: string;
  /**
   * The `host` the authorization names: the GraphQL endpoint's host. @default the real-time host with
   * `appsync-realtime-api` replaced by `appsync-api` (AppSync's own domains), else the URL's host (custom domains)
   */
  readonly host?: string;
  /** The API key (API_KEY mode). */
  readonly apiKey?: string;
  /** An OIDC token, or a function returning a fresh one for every connection (OPENID_CONNECT mode). */
  readonly token?: string | (() => string | Promise<string>);
  /** @default globalThis.WebSocket (Node 20 has none: pass `ws`'s) */
  readonly WebSocket?: WebSocketConstructor;
  readonly backoff?: BackoffOptions;
  /** Event ids remembered per channel for dedupe. @default 1000 */
  readonly dedupeCapacity?: number;
  /** @default true */
  readonly autoConnect?: boolean;
  readonly random?: () => number;
}

type Listener = (message: ChannelMessage) => void;

const OPEN = 1;

/** Base64 of UTF-8 text, in browsers and Node. */
function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/**
 * The push client on the AppSync transport: each `subscribe(channel)` is an `onPush(channel)` subscription on
 * AppSync's real-time protocol, and each message is delivered as the default client's channel messages are
 * (`{ channel, id, data, replayed: false }`; AppSync does not number them, so there is no `seq`, no replay and
 * no gap). It reconnects with jittered backoff and starts its subscriptions again (what was published while it
 * was away is not replayed: AppSync keeps nothing). Presence, publishing and requests exist only on the API
 * Gateway transport: they throw `UnsupportedOnTransport`.
 */
export class AppSyncPushClient extends Emitter<PushClientEvents> {
  private readonly WS: WebSocketConstructor;
  private readonly channelListeners = new Map<string, Listener>();
  private readonly seen = new Map<string, RecentIds>();
  /** Subscription id → channel, and channel → subscription id, on the current connection. */
  private readonly ids = new Map<string, string>();
  private readonly byChannel = new Map<string, string>();
  private ws?: WebSocketLike;
  private acked = false;
  private counter = 0;
  private attempt = 0;
  private stopped = true;
  private stateValue: ConnectionState = 'closed';
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  private kaTimer?: ReturnType<typeof setTimeout>;
  private connectionTimeoutMs = 300_000;

  constructor(private readonly options: AppSyncPushClientOptions) {
    super();
    const WS = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!WS) throw new PushClientError(CLIENT_ERROR_CODES.NoWebSocket, 'No global WebSocket here: pass one, e.g. { WebSocket: require("ws") }');
    if (!/^wss?:\/\//.test(options.url)) throw new PushClientError(CLIENT_ERROR_CODES.InvalidOption, `"url" must be AppSync's ws:// or wss:// real-time URL, got "${options.url}"`);
    if ((options.apiKey === undefined) === (options.token === undefined)) {
      throw new PushClientError(CLIENT_ERROR_CODES.InvalidOption, 'The appsync transport needs exactly one of "apiKey" (API_KEY mode) and "token" (OIDC mode).');
    }
    this.WS = WS;
    if (options.autoConnect ?? true) queueMicrotask(() => this.connect());
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** Connects (a no-op when already connecting or connected). */
  connect(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempt = 0;
    this.setState('connecting');
    void this.open();
  }

  /** Subscribes `listener` to `channel` (one listener per channel) and returns a function that unsubscribes. */
  subscribe(channel: string, listener: Listener): () => void {
    this.channelListeners.set(channel, listener);
    if (!this.seen.has(channel)) this.seen.set(channel, new RecentIds(this.options.dedupeCapacity ?? 1000));
    if (this.acked && !this.byChannel.has(channel)) {
      this.start(channel).catch((error) => this.emit('error', new PushClientError(CLIENT_ERROR_CODES.InvalidOption, `The token function failed: ${(error as Error)?.message ?? String(error)}`, undefined, { cause: error })));
    }
    return () => this.unsubscribe(channel);
  }

  unsubscribe(channel: string): void {
    this.channelListeners.delete(channel);
    this.seen.delete(channel);
    const id = this.byChannel.get(channel);
    if (id !== undefined) {
      this.byChannel.delete(channel);
      this.ids.delete(id);
      if (this.ws?.readyState === OPEN) this.ws.send(JSON.stringify({ type: 'stop', id }));
    }
  }

  /** Not on the AppSync transport: publishing is the publishers' (EventBridge), and there is no client route. */
  publish(): never {
    throw this.unsupported('publish');
  }

  /** Not on the AppSync transport: AppSync keeps no presence. */
  presence(): never {
    throw this.unsupported('presence');
  }

  /** Not on the AppSync transport: there is no request/reply route. */
  request(): never {
    throw this.unsupported('request');
  }

  /** Not on the AppSync transport. */
  send(): never {
    throw this.unsupported('send');
  }

  /** The last seq per channel: none on this transport (AppSync does not number messages). */
  positions(): Record<string, number | undefined> {
    return Object.fromEntries([...this.channelListeners.keys()].map((c) => [c, undefined]));
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.kaTimer);
    const ws = this.ws;
    this.ws = undefined;
    if (ws) {
      ws.onclose = ws.onmessage = ws.onerror = ws.onopen = null;
      try {
        ws.close(1000);
      } catch {
        /* already closing */
      }
    }
    this.setState('closed');
  }

  private unsupported(what: string): PushClientError {
    return new PushClientError(CLIENT_ERROR_CODES.UnsupportedOnTransport, `${what}() is not available on the appsync transport (presence, publish, replay and requests exist only on the API Gateway transport).`);
  }

  private setState(state: ConnectionState): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    this.emit('state', state);
  }

  private async authorization(): Promise<Record<string, string>> {
    const url = new URL(this.options.url.replace(/^ws/, 'http'));
    const host = this.options.host ?? url.host.replace('appsync-realtime-api', 'appsync-api');
    if (this.options.apiKey !== undefined) return { host, 'x-api-key': this.options.apiKey };
    const token = typeof this.options.token === 'function' ? await this.options.token() : this.options.token!;
    return { host, Authorization: token };
  }

  private async open(): Promise<void> {
    let header: Record<string, string>;
    try {
      header = await this.authorization();
    } catch (error) {
      this.emit('error', new PushClientError(CLIENT_ERROR_CODES.InvalidOption, `The token function failed: ${(error as Error)?.message ?? String(error)}`, undefined, { cause: error }));
      return this.scheduleReconnect();
    }
    if (this.stopped) return;
    const url = `${this.options.url}${this.options.url.includes('?') ? '&' : '?'}header=${encodeURIComponent(base64(JSON.stringify(header)))}&payload=${encodeURIComponent(base64('{}'))}`;
    let ws: WebSocketLike;
    try {
      ws = new this.WS(url, [GRAPHQL_WS]);
    } catch (error) {
      this.emit('error', new PushClientError(CLIENT_ERROR_CODES.InvalidOption, `Cannot open ${this.options.url}: ${(error as Error).message}`, undefined, { cause: error }));
      return this.scheduleReconnect();
    }
    this.ws = ws;
    this.acked = false;
    this.ids.clear();
    this.byChannel.clear();
    ws.onopen = () => ws.send(JSON.stringify({ type: 'connection_init' }));
    ws.onmessage = (event) => this.onFrame(ws, event.data, header);
    ws.onerror = () => undefined;
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      clearTimeout(this.kaTimer);
      if (!this.stopped) this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.setState('reconnecting');
    const delay = reconnectDelay(this.attempt++, this.options.backoff, this.options.random);
    this.reconnectTimer = setTimeout(() => void this.open(), delay);
  }

  /** A `ka` must come within `connectionTimeoutMs`, else the connection is dead: close it (and reconnect). */
  private armKeepAlive(ws: WebSocketLike): void {
    clearTimeout(this.kaTimer);
    this.kaTimer = setTimeout(() => ws.close(4000, 'no keep-alive'), this.connectionTimeoutMs);
  }

  private async start(channel: string, header?: Record<string, string>): Promise<void> {
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN) return;
    const id = `onPush-${++this.counter}`;
    this.ids.set(id, channel);
    this.byChannel.set(channel, id);
    const authorization = header ?? (await this.authorization());
    ws.send(JSON.stringify({
      id,
      type: 'start',
      payload: { data: JSON.stringify({ query: APPSYNC_SUBSCRIPTION, variables: { channel } }), extensions: { authorization } },
    }));
  }

  private onFrame(ws: WebSocketLike, raw: unknown, header: Record<string, string>): void {
    let message: { type?: string; id?: string; payload?: any };
    try {
      message = JSON.parse(String(raw));
    } catch {
      this.emit('error', new PushClientError(CLIENT_ERROR_CODES.InvalidServerFrame, 'A frame from AppSync is not JSON'));
      return;
    }
    const errors = (message.payload?.errors ?? []) as { errorType?: string; message?: string; errorCode?: number }[];
    const first = errors[0] ?? {};
    switch (message.type) {
      case 'connection_ack':
        this.acked = true;
        this.attempt = 0;
        this.connectionTimeoutMs = Number(message.payload?.connectionTimeoutMs) || this.connectionTimeoutMs;
        this.armKeepAlive(ws);
        this.setState('open');
        for (const channel of this.channelListeners.keys()) void this.start(channel, header);
        return;
      case 'ka':
        this.armKeepAlive(ws);
        return;
      case 'start_ack': {
        const channel = message.id && this.ids.get(message.id);
        if (channel) this.emit('subscribed', channel);
        return;
      }
      case 'data': {
        const channel = message.id && this.ids.get(message.id);
        const m = message.payload?.data?.[APPSYNC_NAMES.onPushField] as { channel?: string; id?: string; data?: string } | null | undefined;
        if (!channel || !m || typeof m.id !== 'string') return;
        if (!this.seen.get(channel)?.add(m.id)) return;
        let data: unknown = m.data;
        try {
          data = typeof m.data === 'string' ? JSON.parse(m.data) : m.data;
        } catch {
          /* AWSJSON is JSON text; keep the text if it is not */
        }
        try {
          this.channelListeners.get(channel)?.({ channel, id: m.id, data, replayed: false });
        } catch (error) {
          this.emit('error', new PushClientError(CLIENT_ERROR_CODES.ListenerFailed, `The listener of ${channel} threw: ${(error as Error).message}`, undefined, { cause: error }));
        }
        return;
      }
      case 'complete':
        return;
      case 'error':
        this.emit('error', new PushClientError(CLIENT_ERROR_CODES.ServerError, first.message ?? 'AppSync refused a message', first.errorType));
        return;
      case 'connection_error': {
        this.emit('error', new PushClientError(CLIENT_ERROR_CODES.ServerError, first.message ?? 'AppSync refused the connection', first.errorType));
        // A refusal of the credentials (4xx) would be refused again: stop instead of retrying.
        if ((first.errorCode ?? 0) >= 400 && (first.errorCode ?? 0) < 500) this.close();
        return;
      }
      default:
        this.emit('error', new PushClientError(CLIENT_ERROR_CODES.InvalidServerFrame, `Unknown AppSync message type ${JSON.stringify(message.type)}`));
    }
  }
}

/** Options of {@link createPushClient}: the default client's, or the AppSync transport's (`transport: 'appsync'`). */
export type AnyPushClientOptions = (PushClientOptions & { readonly transport?: 'apigateway' }) | AppSyncPushClientOptions;

/**
 * A push client for either transport, chosen by one option: `transport: 'appsync'` (with `apiKey` or `token`)
 * gives an {@link AppSyncPushClient}, anything else the default {@link PushClient}.
 */
export function createPushClient(options: AppSyncPushClientOptions): AppSyncPushClient;
export function createPushClient(options: PushClientOptions & { readonly transport?: 'apigateway' }): PushClient;
export function createPushClient(options: AnyPushClientOptions): PushClient | AppSyncPushClient;
export function createPushClient(options: AnyPushClientOptions): PushClient | AppSyncPushClient {
  return options.transport === 'appsync' ? new AppSyncPushClient(options) : new PushClient(options);
}
