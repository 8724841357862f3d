import type { IncomingMessage } from 'node:http';

/**
 * Reads a request body, keeping at most `max` bytes (the rest is drained, not stored); reports whether it
 * was longer. Used by the local services that answer HTTP (the AWS endpoint, the management API).
 */
export function readBody(req: IncomingMessage, max: number): Promise<{ data: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve({ data: Buffer.concat(chunks), tooLarge }));
    req.on('error', reject);
  });
}
