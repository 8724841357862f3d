import WebSocket from 'ws';
import { CLOSE } from './close-codes';
import type { ConnectionScope } from './events';
import type { GatewayLimits } from './types';

/**
 * One established WebSocket connection: its identity, its timers (idle and maximum duration) and how to
 * send to it and close it. The gateway owns the instances; nothing here is global.
 */
export class GatewayConnection {
  /** Epoch ms of the last data frame from the client or message sent to it. */
  lastActiveAt: number;
  /** Code and reason of a close the gateway started (reported to `$disconnect` instead of the echo). */
  closeIntent?: { code: number; reason: string };
  private idleTimer?: NodeJS.Timeout;
  private readonly lifetimeTimer: NodeJS.Timeout;
  private terminateTimer?: NodeJS.Timeout;

  constructor(
    readonly scope: ConnectionScope,
    readonly ws: WebSocket,
    private readonly limits: GatewayLimits,
    /** The handshake's `Origin` header, if it sent one. */
    readonly origin?: string,
  ) {
    this.lastActiveAt = scope.connectedAt;
    const lifetimeLeft = Math.max(0, scope.connectedAt + limits.maxConnectionMs - Date.now());
    this.lifetimeTimer = setTimeout(() => this.close(CLOSE.goingAway.code, CLOSE.goingAway.reason), lifetimeLeft);
    this.touch();
  }

  /** The connection id. */
  get id(): string {
    return this.scope.connectionId;
  }

  /** True while the socket is open and the gateway has not started closing it. */
  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN && !this.closeIntent;
  }

  /** Records activity and restarts the idle timer. */
  touch(): void {
    this.lastActiveAt = Date.now();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.close(CLOSE.goingAway.code, CLOSE.goingAway.reason), this.limits.idleTimeoutMs);
  }

  /**
   * Sends one message, split into frames of at most `maxFrameBytes` as API Gateway does; a text frame
   * unless `binary`. Counts as activity.
   */
  send(data: Buffer, binary: boolean): void {
    const max = this.limits.maxFrameBytes;
    if (data.length <= max) {
      this.ws.send(data, { binary });
    } else {
      for (let offset = 0; offset < data.length; offset += max) {
        this.ws.send(data.subarray(offset, offset + max), { binary, fin: offset + max >= data.length });
      }
    }
    this.touch();
  }

  /** Starts a close handshake from the gateway's side; forces the socket shut if the client does not answer. */
  close(code: number, reason: string, forceAfterMs = 5000): void {
    if (this.closeIntent || this.ws.readyState >= WebSocket.CLOSING) return;
    this.closeIntent = { code, reason };
    this.stopTimers();
    this.ws.close(code, reason);
    this.terminateTimer = setTimeout(() => this.ws.terminate(), forceAfterMs);
    this.terminateTimer.unref();
  }

  /**
   * Records why `ws` itself closed the connection (a protocol error it detected), so `$disconnect`
   * reports that code rather than 1006.
   */
  noteClose(code: number, reason: string): void {
    this.closeIntent ??= { code, reason };
    this.stopTimers();
  }

  /** Clears every timer (called once the socket is closed). */
  dispose(): void {
    this.stopTimers();
    clearTimeout(this.terminateTimer);
  }

  private stopTimers(): void {
    clearTimeout(this.idleTimer);
    clearTimeout(this.lifetimeTimer);
  }
}
