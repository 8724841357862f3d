import type { Readable } from 'node:stream';

/**
 * Forwards a stream's text line by line to `log`, each line prefixed (`[ConnectFunction] …`).
 * A trailing partial line is flushed when the stream ends.
 */
export function pipeLines(stream: Readable, prefix: string, log: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      log(prefix + pending.slice(0, nl).replace(/\r$/, ''));
      pending = pending.slice(nl + 1);
    }
  });
  stream.on('end', () => {
    if (pending) log(prefix + pending);
    pending = '';
  });
}
