/**
 * Watches the raw bytes a client sends on an upgraded socket and reports the first frame whose payload
 * is larger than `maxFrameBytes` (API Gateway's 32 KB frame limit). `ws` only bounds whole messages, so
 * this parser reads frame headers alongside it; it never modifies or consumes the data.
 *
 * @returns a `data` listener for the socket.
 */
export function createFrameGuard(maxFrameBytes: number, onOversize: (payloadBytes: number) => void) {
  let header: Buffer = Buffer.alloc(0);
  let skip = 0;
  let tripped = false;

  /** Length of the frame header in `buf` and its payload length, or `undefined` if incomplete. */
  const readHeader = (buf: Buffer): { headerBytes: number; payload: number } | undefined => {
    if (buf.length < 2) return undefined;
    const masked = (buf[1]! & 0x80) !== 0;
    const len7 = buf[1]! & 0x7f;
    const ext = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
    const headerBytes = 2 + ext + (masked ? 4 : 0);
    if (buf.length < headerBytes) return undefined;
    let payload = len7;
    if (len7 === 126) payload = buf.readUInt16BE(2);
    if (len7 === 127) payload = Number(buf.readBigUInt64BE(2));
    return { headerBytes, payload };
  };

  return (chunk: Buffer): void => {
    if (tripped) return;
    let data = chunk;
    while (data.length > 0) {
      if (skip > 0) {
        const n = Math.min(skip, data.length);
        skip -= n;
        data = data.subarray(n);
        continue;
      }
      header = header.length ? Buffer.concat([header, data]) : data;
      const parsed = readHeader(header);
      if (!parsed) {
        header = Buffer.from(header);
        return;
      }
      if (parsed.payload > maxFrameBytes) {
        tripped = true;
        onOversize(parsed.payload);
        return;
      }
      data = header.subarray(parsed.headerBytes);
      header = Buffer.alloc(0);
      skip = parsed.payload;
    }
  };
}
