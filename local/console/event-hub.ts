/** What kind of thing happened in the local cloud (the console's stream filters on it). */
export type CloudEventKind =
  | 'connect'
  | 'refused'
  | 'disconnect'
  | 'frame'
  | 'post'
  | 'gone'
  | 'put-events'
  | 'push'
  | 'dead-letter'
  | 'function-error'
  | 'iam-denied';

/** One thing that happened, as a service reports it to the console. */
export interface CloudEvent {
  /** Epoch ms. */
  readonly at: number;
  readonly kind: CloudEventKind;
  /** One readable line. */
  readonly text: string;
  /** The facts, for the page to show or correlate (ids, counts, rules…). Never a token. */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** Where services report what happens; each service takes it as an optional dependency. */
export interface CloudEventSink {
  publish(kind: CloudEventKind, text: string, data?: Record<string, unknown>): void;
}

/** How many events a console that opens late still sees. */
const KEPT_EVENTS = 500;

/**
 * The local cloud's event feed: one per local cloud, passed to the services as a dependency. Keeps the last
 * {@link KEPT_EVENTS} events for a console that connects later, and hands each new one to the listeners.
 */
export class CloudEventHub implements CloudEventSink {
  private readonly kept: CloudEvent[] = [];
  private readonly listeners = new Set<(event: CloudEvent) => void>();

  constructor(private readonly now: () => number = Date.now) {}

  publish(kind: CloudEventKind, text: string, data?: Record<string, unknown>): void {
    const event: CloudEvent = { at: this.now(), kind, text, ...(data ? { data } : {}) };
    this.kept.push(event);
    if (this.kept.length > KEPT_EVENTS) this.kept.shift();
    for (const listener of this.listeners) {
      try { listener(event); } catch { /* a listener's failure is its own */ }
    }
  }

  /** The kept events, oldest first. */
  recent(): CloudEvent[] {
    return [...this.kept];
  }

  /** Calls `listener` with every event from now on; returns the unsubscribe. */
  subscribe(listener: (event: CloudEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
