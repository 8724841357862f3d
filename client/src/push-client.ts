import { isPresenceChannel, PUSH_SUBPROTOCOL } from '../../shared/auth';
import { CLIENT_ACTIONS, type ClientFrame, type GapMessage, type PublishedMessage, type PushMessage, type ReplayMessage, type ServerMessage } from '../../shared/protocol';
import { PresenceChannel } from './presence-channel';
import { reconnectDelay, type BackoffOptions } from './backoff';
import { ChannelStream, type ChannelGap, type ChannelMessage, type StreamStep } from './channel-stream';
import { Emitter } from './emitter';
import { CLIENT_ERROR_CODES, PushClientError } from './errors';

/** The part of the WebSocket API the client uses: the browser's `WebSocket` and the `ws` package both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** Connection states, as reported by the `state` event. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** How the token travels: `?token=` (the default), the `websocket-push, <token>` subprotocols, or both. */
export type TokenTransport = 'query' | 'subprotocol' | 'both';


/** Options of {@link PushClient}. */
export interface PushClientOptions {
  /** The WebSocket URL, `wss://…/<stage>`. */
  readonly url: string;
  /** A token, or a function returning a fresh one for every connection. @default none */
  readonly token?: string | (() => string | Promise<string>);
  /** @default 'query' */
  readonly tokenTransport?: TokenTransport;
  /** The WebSocket implementation. @default globalThis.WebSocket (Node 20 has none: pass `ws`'s) */
  readonly WebSocket?: WebSocketConstructor;
  /** A `{"action":"ping"}` this often keeps an idle connection inside API Gateway's 10 minutes; 0 disables. @default 5 min */
  readonly heartbeatIntervalMs?: number;
  /**
   * Replace the connection this long after it opened, before API Gateway's 2-hour limit: a new connection
   * is opened and resumed first, then the old one closed (no gap). 0 disables. @default 1 h 55 min
   */
  readonly maxConnectionAgeMs?: number;
  /** Reconnect backoff. */
  readonly backoff?: BackoffOptions;
  /** How long a missing seq may be awaited live before the client asks the server for it. @default 1000 */
  readonly holeTimeoutMs?: number;
  /** After a reconnect's replay, check once more this much later (covers index propagation on AWS); 0 disables. @default 2000 */
  readonly catchUpDelayMs?: number;
  /** How long a planned replacement may take before the old connection is closed anyway. @default 10000 */
  readonly handoverTimeoutMs?: number;
  /** Event ids remembered per channel for dedupe. @default 1000 */
  readonly dedupeCapacity?: number;
  /** Connect right after construction (on the next microtask). @default true */
  readonly autoConnect?: boolean;
  /** Injectable randomness (tests). @default Math.random */
  readonly random?: () => number;
}

/** Events of {@link PushClient}. */
export interface PushClientEvents {
  state: (state: ConnectionState) => void;
  /** A channel's subscription is confirmed (and, after a reconnect, its replay is complete) on a connection. */
  subscribed: (channel: string) => void;
  /** Messages the server could not replay (the client was away longer than the replay window). */
  gap: (gap: ChannelGap) => void;
  /** Messages with no channel (pushed to this user, this connection, or everyone). */
  message: (message: { id: string; data: unknown }) => void;
  error: (error: PushClientError) => void;
}

/** Options of {@link PushClient.request}. */
export interface RequestOptions {
  /** How long to wait for the reply before rejecting with `RequestTimeout`. @default 10000 */
  readonly timeoutMs?: number;
}

/** The reply to a {@link PushClient.request}: the message a service pushed with `replyTo` = the request's id. */
export interface Reply {
  /** The event id of the reply. */
  readonly id: string;
  /** The request's id. */
  readonly replyTo: string;
  readonly data: unknown;
}

/** Options of {@link PushClient.publish}. */
export interface PublishOptions {
  /** Deliver the message to this connection too. @default false */
  readonly echo?: boolean;
  /** How long to wait for the `published` answer. @default 10000 */
  readonly timeoutMs?: number;
}

/** Options of {@link PushClient.subscribe}. */
export interface SubscribeOptions {
  /** Resume after this seq (e.g. kept from an earlier page load): what came after it is replayed. */
  readonly since?: number;
}

type Listener = (message: ChannelMessage) => void;

/** One WebSocket connection and what it still has to confirm. */
interface Link {
  readonly ws: WebSocketLike;
  role: 'primary' | 'handover';
  opened: boolean;
  retired: boolean;
  /** Channels whose subscription (or resume) this link has not confirmed yet. */
  readonly unconfirmed: Set<string>;
}

const OPEN = 1;

/**
 * A push client for browsers and Node: subscribes to channels and hands each channel's messages to its
 * listener exactly once and in order, across reconnects. It reconnects with jittered backoff, resumes every
 * subscription from the last seq it delivered (the server replays what was missed, or reports a gap when
 * it is past the replay window), pings to stay inside the idle timeout, and replaces its connection before
 * the 2-hour limit without a gap.
 */
export class PushClient extends Emitter<PushClientEvents> {
  private readonly options: PushClientOptions;
  private readonly WS: WebSocketConstructor;
  private readonly streams = new Map<string, ChannelStream>();
  private readonly channelListeners = new Map<string, Listener>();
  private readonly holeTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly catchUps = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly presences = new Map<string, PresenceChannel>();
  private readonly pendingPublishes = new Map<string, { resolve: (m: PublishedMessage) => void; reject: (e: PushClientError) => void; timer: ReturnType<typeof setTimeout> }>();
  private publishCounter = 0;
  private current?: Link;
  private candidate?: Link;
  private attempt = 0;
  private stateValue: ConnectionState = 'closed';
  private stopped = true;
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  private heartbeatTimer?: ReturnType<typeof setInterval>;
  private ageTimer?: ReturnType<typeof setTimeout>;
  private handoverTimer?: ReturnType<typeof setTimeout>;
  /** Frames for the application's services sent while no connection was open: sent once one is. */
  private readonly outbox: string[] = [];
  /** Requests waiting for their reply, by id. */
  private readonly pending = new Map<string, { resolve: (reply: Reply) => void; reject: (error: PushClientError) => void; timer: ReturnType<typeof setTimeout> }>();
  private requestCount = 0;

  constructor(options: PushClientOptions) {
    super();
    this.options = options;
    const WS = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!WS) {
      throw new PushClientError(
        CLIENT_ERROR_CODES.NoWebSocket,
        'No global WebSocket here: pass one, e.g. new PushClient({ url, WebSocket: require("ws") })',
      );
    }
    if (!/^wss?:\/\//.test(options.url)) {
      throw new PushClientError(CLIENT_ERROR_CODES.InvalidOption, `"url" must be a ws:// or wss:// URL, got "${options.url}"`);
    }
    this.WS = WS;
    // On the next microtask, so that listeners added right after the constructor see 'connecting'.
    if (options.autoConnect ?? true) queueMicrotask(() => this.connect());
  }

  /** The connection state. */
  get state(): ConnectionState {
    return this.stateValue;
  }

  /** The current WebSocket (diagnostics and tests); undefined while disconnected. */
  get socket(): WebSocketLike | undefined {
    return this.current?.ws;
  }

  /** The last seq delivered on each subscribed channel (keep it to resume after a page reload). */
  positions(): Record<string, number | undefined> {
    return Object.fromEntries([...this.streams].map(([channel, s]) => [channel, s.position]));
  }

  /** Connects (a no-op when already connecting or connected). */
  connect(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempt = 0;
    this.setState('connecting');
    void this.open('primary');
  }

  /**
   * Subscribes `listener` to `channel` (one listener per channel; a second call replaces it) and returns a
   * function that unsubscribes. Messages arrive in seq order, each once.
   */
  subscribe(channel: string, listener: Listener, options: SubscribeOptions = {}): () => void {
    this.channelListeners.set(channel, listener);
    if (!this.streams.has(channel)) {
      this.streams.set(channel, new ChannelStream(channel, { position: options.since, dedupeCapacity: this.options.dedupeCapacity }));
      if (this.current?.opened) this.sendSubscribe(this.current, channel);
    }
    return () => this.unsubscribe(channel);
  }

  /**
   * Publishes `data` on `channel` (the token's `publish` claim must match it). Resolves with the `published`
   * answer (the message's id and seq); rejects with the server's error (`serverCode`, e.g. `Forbidden`), when
   * not connected, or after `timeoutMs`. Not retried: a publish that timed out may still have been delivered.
   */
  publish(channel: string, data: unknown, options: PublishOptions = {}): Promise<PublishedMessage> {
    const link = this.current;
    if (!link?.opened || link.ws.readyState !== OPEN) {
      return Promise.reject(new PushClientError(CLIENT_ERROR_CODES.NotConnected, `Not connected: cannot publish to "${channel}" now`));
    }
    const id = `p${++this.publishCounter}-${Math.floor((this.options.random ?? Math.random)() * 1e9).toString(36)}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingPublishes.delete(id);
        reject(new PushClientError(CLIENT_ERROR_CODES.Timeout, `No answer to the publish to "${channel}" in time`));
      }, options.timeoutMs ?? 10_000);
      this.pendingPublishes.set(id, { resolve, reject, timer });
      this.sendFrame(link, { action: 'publish', channel, data, id, ...(options.echo ? { echo: true } : {}) });
    });
  }

  /**
   * Follows a presence channel (`presence-…`): its members, and who joins and leaves, reloaded after every
   * reconnect. `listener` gets the channel's messages, as with {@link subscribe}. One object per channel.
   */
  presence(channel: string, listener: Listener = () => undefined, options: SubscribeOptions = {}): PresenceChannel {
    let p = this.presences.get(channel);
    if (!p) {
      p = new PresenceChannel(channel, () => this.unsubscribe(channel));
      this.presences.set(channel, p);
    }
    this.subscribe(channel, listener, options);
    return p;
  }

  /** Stops receiving a channel. */
  unsubscribe(channel: string): void {
    this.presences.delete(channel);
    if (!this.streams.delete(channel)) return;
    this.channelListeners.delete(channel);
    this.clearTimer(this.holeTimers, channel);
    this.clearTimer(this.catchUps, channel);
    for (const link of [this.current, this.candidate]) {
      link?.unconfirmed.delete(channel);
      if (link?.opened) this.sendFrame(link, { action: 'unsubscribe', channel });
    }
  }

  /** Closes the connection for good (until `connect()`). */
  /**
   * Sends `{"action":…,"data":…}` to the application's services (the stack puts it on its bus as a
   * `WebSocketMessage`). There is no acknowledgement: an answer, if any, is a push. Sent while the client is
   * connecting or reconnecting, it is sent once a connection is open.
   * @throws PushClientError `InvalidOption` for one of the protocol's own actions (subscribe, …)
   */
  send(action: string, data?: unknown): void {
    this.sendToServices(this.appFrame(action, undefined, data));
  }

  /**
   * Sends `{"action":…,"id":…,"data":…}` and resolves with the reply: the push whose `replyTo` is the
   * request's id (a service answers with `PushPublisher.reply`). The reply is not emitted as `message`.
   * Sent while reconnecting, it goes once a connection is open; a request whose connection is lost after it
   * was sent is not sent again (the service may already have acted on it) and times out.
   * @throws PushClientError (rejects) `RequestTimeout` after `timeoutMs`, `ClientClosed` when closed first
   */
  request(action: string, data?: unknown, options: RequestOptions = {}): Promise<Reply> {
    const random = this.options.random ?? Math.random;
    const id = `r${++this.requestCount}-${Math.floor(random() * 2 ** 32).toString(36)}`;
    const frame = this.appFrame(action, id, data);
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new PushClientError(CLIENT_ERROR_CODES.RequestTimeout, `No reply to "${action}" (request ${id}) within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.sendToServices(frame);
    });
  }

  private appFrame(action: string, id: string | undefined, data: unknown): string {
    if (typeof action !== 'string' || action.length === 0 || (CLIENT_ACTIONS as readonly string[]).includes(action)) {
      throw new PushClientError(
        CLIENT_ERROR_CODES.InvalidOption,
        `"${String(action)}" cannot be sent to services: use a non-empty action that is not one of ${CLIENT_ACTIONS.join(', ')}`,
      );
    }
    return JSON.stringify({ action, ...(id !== undefined ? { id } : {}), ...(data !== undefined ? { data } : {}) });
  }

  private sendToServices(text: string): void {
    const link = this.current;
    if (link?.opened && link.ws.readyState === OPEN) link.ws.send(text);
    else this.outbox.push(text);
  }

  close(): void {
    this.stopped = true;
    this.outbox.length = 0;
    for (const [id, request] of this.pending) {
      clearTimeout(request.timer);
      request.reject(new PushClientError(CLIENT_ERROR_CODES.ClientClosed, `The client was closed before request ${id} got its reply`));
    }
    this.pending.clear();
    clearTimeout(this.reconnectTimer);
    this.stopLinkTimers();
    for (const timers of [this.holeTimers, this.catchUps]) {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    }
    for (const link of [this.current, this.candidate]) if (link) this.retire(link);
    this.current = this.candidate = undefined;
    this.setState('closed');
  }

  private async open(role: Link['role']): Promise<void> {
    let url = this.options.url;
    let protocols: string[] | undefined;
    if (this.options.token !== undefined) {
      const token = typeof this.options.token === 'function' ? await this.options.token() : this.options.token;
      const transport = this.options.tokenTransport ?? 'query';
      if (transport !== 'subprotocol') url += `${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
      if (transport !== 'query') protocols = [PUSH_SUBPROTOCOL, token];
    }
    if (this.stopped) return;
    let ws: WebSocketLike;
    try {
      ws = protocols ? new this.WS(url, protocols) : new this.WS(url);
    } catch (cause) {
      this.fail(CLIENT_ERROR_CODES.InvalidOption, `Cannot open a WebSocket to ${this.options.url}`, undefined, cause);
      this.close();
      return;
    }
    const link: Link = { ws, role, opened: false, retired: false, unconfirmed: new Set() };
    if (role === 'primary') this.current = link;
    else this.candidate = link;
    ws.onopen = () => this.onOpen(link);
    ws.onmessage = (event) => this.onFrame(link, event.data);
    ws.onclose = () => this.onClose(link);
    ws.onerror = () => undefined; // a close event follows
  }

  private onOpen(link: Link): void {
    if (link.retired) return;
    link.opened = true;
    for (const channel of this.streams.keys()) this.sendSubscribe(link, channel);
    if (link.role === 'primary') {
      for (const text of this.outbox.splice(0)) link.ws.send(text);
      this.attempt = 0;
      this.startLinkTimers();
      this.setState('open');
    } else {
      this.handoverTimer = setTimeout(() => this.completeHandover(link), this.options.handoverTimeoutMs ?? 10_000);
      if (link.unconfirmed.size === 0) this.completeHandover(link);
    }
  }

  private onClose(link: Link): void {
    if (link.retired || this.stopped) return;
    link.retired = true;
    if (link === this.candidate) {
      // The replacement failed; the current connection still works. Try again after a backoff.
      this.candidate = undefined;
      clearTimeout(this.handoverTimer);
      this.ageTimer = setTimeout(() => this.beginHandover(), reconnectDelay(this.attempt++, this.options.backoff, this.options.random));
      return;
    }
    if (link !== this.current) return;
    this.current = undefined;
    this.stopLinkTimers();
    if (this.candidate?.opened) {
      // Lost the old connection during a handover: the new one takes over at once.
      this.completeHandover(this.candidate);
      return;
    }
    if (this.candidate) this.retire(this.candidate);
    this.candidate = undefined;
    this.setState('reconnecting');
    const delay = reconnectDelay(this.attempt++, this.options.backoff, this.options.random);
    this.reconnectTimer = setTimeout(() => void this.open('primary'), delay);
  }

  private onFrame(link: Link, data: unknown): void {
    let frame: ServerMessage;
    try {
      frame = JSON.parse(typeof data === 'string' ? data : String(data)) as ServerMessage;
    } catch (cause) {
      this.fail(CLIENT_ERROR_CODES.InvalidServerFrame, 'The server sent a frame that is not JSON', undefined, cause);
      return;
    }
    switch (frame.type) {
      case 'message':
        this.onPush(frame);
        return;
      case 'subscribed':
        if (frame.members) this.presenceEvent(this.presences.get(frame.channel)?.reset(frame.members, frame.count ?? frame.members.length));
        this.step(frame.channel, (s) => s.onSubscribed(frame.seq), link, true);
        return;
      case 'member_added':
        this.presenceEvent(this.presences.get(frame.channel)?.added(frame.member));
        return;
      case 'member_removed':
        this.presenceEvent(this.presences.get(frame.channel)?.removed(frame.member));
        return;
      case 'published':
        this.settlePublish(frame.replyTo, (p) => p.resolve(frame));
        return;
      case 'replay':
        this.step(frame.channel, (s) => s.onReplay(frame as ReplayMessage), link, !frame.more);
        return;
      case 'gap':
        this.step(frame.channel, (s) => s.onGap(frame as GapMessage), link, false);
        return;
      case 'error':
        if (frame.replyTo !== undefined && this.pendingPublishes.has(frame.replyTo)) {
          this.settlePublish(frame.replyTo, (p) => p.reject(new PushClientError(CLIENT_ERROR_CODES.ServerError, `${frame.code}: ${frame.message}`, frame.code)));
          return;
        }
        this.fail(CLIENT_ERROR_CODES.ServerError, `${frame.code}: ${frame.message}`, frame.code);
        if (frame.code === 'UnknownConnection') link.ws.close(4000, 'not registered'); // reconnect
        return;
      case 'pong':
      case 'unsubscribed':
        return;
      default:
        this.fail(CLIENT_ERROR_CODES.InvalidServerFrame, `Unknown frame type "${String((frame as { type?: unknown }).type)}"`);
    }
  }

  private onPush(message: PushMessage): void {
    const request = message.replyTo !== undefined ? this.pending.get(message.replyTo) : undefined;
    if (request && message.replyTo !== undefined) {
      clearTimeout(request.timer);
      this.pending.delete(message.replyTo);
      request.resolve({ id: message.id, replyTo: message.replyTo, data: message.data });
      return;
    }
    if (message.channel === undefined) {
      this.emitSafely('message', { id: message.id, data: message.data });
      return;
    }
    this.step(message.channel, (s) => s.onMessage(message));
  }

  /** Runs a stream step, then delivers, reports, asks for more, and watches holes. */
  private step(channel: string, run: (stream: ChannelStream) => StreamStep, link?: Link, confirms = false): void {
    const stream = this.streams.get(channel);
    if (!stream) return;
    const result = run(stream);
    if (result.gap) this.emitSafely('gap', result.gap);
    const listener = this.channelListeners.get(channel);
    for (const message of result.deliver) {
      try {
        listener?.(message);
      } catch (cause) {
        this.fail(CLIENT_ERROR_CODES.ListenerFailed, `The listener of channel "${channel}" threw`, undefined, cause);
      }
    }
    const target = link && link.opened && !link.retired ? link : this.current;
    if (result.resyncSince !== undefined && target?.opened) {
      this.sendFrame(target, { action: 'subscribe', channel, since: result.resyncSince });
    } else if (confirms && link) {
      this.confirm(link, channel);
    }
    this.watchHole(channel, stream);
  }

  private confirm(link: Link, channel: string): void {
    if (!link.unconfirmed.delete(channel)) return;
    this.emitSafely('subscribed', channel);
    if (link.role === 'primary' && link === this.current && this.attempt === 0 && link.unconfirmed.size === 0) {
      this.scheduleCatchUps();
    }
    if (link === this.candidate && link.unconfirmed.size === 0) this.completeHandover(link);
  }

  private watchHole(channel: string, stream: ChannelStream): void {
    if (!stream.hasHole()) {
      this.clearTimer(this.holeTimers, channel);
      return;
    }
    if (this.holeTimers.has(channel)) return;
    this.holeTimers.set(
      channel,
      setTimeout(() => {
        this.holeTimers.delete(channel);
        const s = this.streams.get(channel);
        if (s?.hasHole() && this.current?.opened) this.sendFrame(this.current, { action: 'subscribe', channel, since: s.position });
      }, this.options.holeTimeoutMs ?? 1000),
    );
  }

  /** One extra `since` check per channel after a resume: catches a message pushed as we resubscribed. */
  private scheduleCatchUps(): void {
    const delay = this.options.catchUpDelayMs ?? 2000;
    if (delay <= 0) return;
    for (const [channel, stream] of this.streams) {
      if (stream.position === undefined || this.catchUps.has(channel)) continue;
      this.catchUps.set(
        channel,
        setTimeout(() => {
          this.catchUps.delete(channel);
          const s = this.streams.get(channel);
          if (s?.position !== undefined && this.current?.opened) this.sendFrame(this.current, { action: 'subscribe', channel, since: s.position });
        }, delay),
      );
    }
  }

  private sendSubscribe(link: Link, channel: string): void {
    const since = this.streams.get(channel)?.position;
    link.unconfirmed.add(channel);
    // A presence channel's members come with `subscribed` only: ask for them, then (resuming) for the replay.
    if (since !== undefined && isPresenceChannel(channel)) this.sendFrame(link, { action: 'subscribe', channel });
    this.sendFrame(link, since === undefined ? { action: 'subscribe', channel } : { action: 'subscribe', channel, since });
  }

  private settlePublish(id: string | undefined, settle: (pending: { resolve: (m: PublishedMessage) => void; reject: (e: PushClientError) => void }) => void): void {
    const pending = id === undefined ? undefined : this.pendingPublishes.get(id);
    if (!pending) return;
    this.pendingPublishes.delete(id!);
    clearTimeout(pending.timer);
    settle(pending);
  }

  private presenceEvent(errors: unknown[] | undefined): void {
    for (const cause of errors ?? []) this.fail(CLIENT_ERROR_CODES.ListenerFailed, 'A presence listener threw', undefined, cause);
  }

  private sendFrame(link: Link, frame: ClientFrame): void {
    if (link.ws.readyState === OPEN) link.ws.send(JSON.stringify(frame));
  }

  private startLinkTimers(): void {
    this.stopLinkTimers();
    const heartbeat = this.options.heartbeatIntervalMs ?? 5 * 60_000;
    if (heartbeat > 0) {
      this.heartbeatTimer = setInterval(() => {
        if (this.current?.opened) this.sendFrame(this.current, { action: 'ping' });
      }, heartbeat);
    }
    const age = this.options.maxConnectionAgeMs ?? (2 * 60 - 5) * 60_000;
    if (age > 0) this.ageTimer = setTimeout(() => this.beginHandover(), age);
  }

  private stopLinkTimers(): void {
    clearInterval(this.heartbeatTimer);
    clearTimeout(this.ageTimer);
    clearTimeout(this.handoverTimer);
  }

  /** Planned replacement: open a new connection, resume every channel on it, then close the old one. */
  private beginHandover(): void {
    if (this.stopped || this.candidate || !this.current) return;
    void this.open('handover');
  }

  private completeHandover(link: Link): void {
    if (link !== this.candidate || link.retired) return;
    clearTimeout(this.handoverTimer);
    const old = this.current;
    this.candidate = undefined;
    link.role = 'primary';
    this.current = link;
    this.attempt = 0;
    this.startLinkTimers();
    if (old) this.retire(old);
    this.setState('open');
  }

  private retire(link: Link): void {
    link.retired = true;
    link.ws.onclose = null;
    link.ws.onmessage = null;
    try {
      link.ws.close(1000, 'replaced');
    } catch {
      /* already closed */
    }
  }

  private clearTimer(timers: Map<string, ReturnType<typeof setTimeout>>, channel: string): void {
    const t = timers.get(channel);
    if (t !== undefined) clearTimeout(t);
    timers.delete(channel);
  }

  private setState(state: ConnectionState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.emitSafely('state', state);
  }

  private fail(code: PushClientError['code'], message: string, serverCode?: string, cause?: unknown): void {
    this.emitSafely('error', new PushClientError(code, message, serverCode, cause === undefined ? undefined : { cause }));
  }

  private emitSafely<K extends keyof PushClientEvents>(event: K, ...args: Parameters<PushClientEvents[K]>): void {
    const errors = this.emit(event, ...args);
    if (errors.length && event !== 'error') {
      for (const cause of errors) this.fail(CLIENT_ERROR_CODES.ListenerFailed, `A "${String(event)}" listener threw`, undefined, cause);
    }
  }
}
