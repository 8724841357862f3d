/**
 * A running emulated service, as every `start…(model, deps)` of `local/` returns it: where it answers (none
 * for the services reached through the AWS endpoint) and how to stop it. `local-cloud.ts` starts the
 * services in a fixed order and stops them in the reverse one.
 */
export interface LocalService<Urls extends object = Record<string, never>> {
  readonly urls: Urls;
  stop(): Promise<void>;
}

/** Prefixes every line, so a service's lines can be told apart in the local cloud's log. */
export function prefixed(log: (line: string) => void, prefix: string): (line: string) => void {
  return (line) => log(`${prefix}${line}`);
}
