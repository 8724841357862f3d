/** Receives events that can never be delivered, with the reason. */
export interface DeadLetterSink {
  /** @throws DeadLetterError when the event could not be kept */
  send(entry: { reason: string; code: string; event: unknown }): Promise<void>;
}
