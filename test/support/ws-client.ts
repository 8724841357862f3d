import WebSocket from 'ws';

/** A real `ws` client that keeps every frame it receives and waits for the ones a test expects. */
export class TestClient {
  readonly frames: any[] = [];
  closeCode?: number;
  private waiters: { match: (m: any) => boolean; resolve: (m: any) => void }[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const text = data.toString();
      let msg: any;
      try { msg = isBinary ? { binary: text } : JSON.parse(text); } catch { msg = { raw: text }; }
      this.frames.push(msg);
      this.waiters = this.waiters.filter((w) => (w.match(msg) ? (w.resolve(msg), false) : true));
    });
    ws.on('close', (code) => { this.closeCode = code; });
  }

  /** Connects; rejects with the HTTP status when the handshake is refused. */
  static connect(url: string, opts: WebSocket.ClientOptions & { protocols?: string[] } = {}): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, opts.protocols ?? [], opts);
      const client = new TestClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`handshake refused: ${res.statusCode}`), { status: res.statusCode })));
      ws.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Resolves with the first frame (already received or to come) that matches. */
  next(match: (m: any) => boolean, timeoutMs = 5000): Promise<any> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`)), timeoutMs);
      this.waiters.push({ match, resolve: (m) => { clearTimeout(timer); resolve(m); } });
    });
  }

  /** Sends `{"action":"subscribe"}` and waits for the confirmation. */
  async subscribe(channel: string): Promise<void> {
    this.send({ action: 'subscribe', channel });
    await this.next((m) => m.type === 'subscribed' && m.channel === channel);
  }

  /**
   * Resolves once every frame the server sent before this call has arrived: a ping's pong is written after
   * them on the same socket.
   */
  async flush(): Promise<void> {
    const pongs = () => this.frames.filter((m) => m.type === 'pong').length;
    const before = pongs();
    this.send({ action: 'ping' });
    await this.next(() => pongs() > before);
  }

  messages(): any[] {
    return this.frames.filter((m) => m.type === 'message');
  }

  closed(timeoutMs = 5000): Promise<number> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve(this.closeCode ?? 1005);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('not closed in time')), timeoutMs);
      this.ws.once('close', (code) => { clearTimeout(timer); resolve(code); });
    });
  }

  close(): void {
    this.ws.close();
  }
}
