/* Message signatures (Bolt 5). */
export const GOODBYE = 0x02;
export const RESET = 0x0f;
export const RUN = 0x10;
export const BEGIN = 0x11;
export const COMMIT = 0x12;
export const ROLLBACK = 0x13;
export const DISCARD = 0x2f;
export const PULL = 0x3f;
export const ROUTE = 0x66;
export const SUCCESS = 0x70;
export const RECORD = 0x71;
export const IGNORED = 0x7e;
export const FAILURE = 0x7f;
/** The server's answer choosing the manifest handshake (Bolt 5.7+): version 255.1. */
export const MANIFEST = 0x000001ff;

/* The driver's own PackStream and chunking (neo4j-driver-bolt-connection ships no types for them). */
interface DriverBuffer {
  readonly length: number;
  getUInt8(position: number): number;
}
interface Structure {
  readonly signature: number;
  readonly fields: unknown[];
}
const packstream = require('neo4j-driver-bolt-connection/lib/packstream/packstream-v1') as {
  Packer: new (channel: unknown) => { packable(value: unknown): () => void };
  Unpacker: new () => { unpack(buffer: DriverBuffer): unknown };
};
const { Structure } = require('neo4j-driver-bolt-connection/lib/packstream/structure') as { Structure: new (signature: number, fields: unknown[]) => Structure };
const ChannelBuffer = (require('neo4j-driver-bolt-connection/lib/channel/channel-buf') as { default: new (bytes: Buffer) => DriverBuffer }).default;
const { Chunker } = require('neo4j-driver-bolt-connection/lib/channel/chunking') as {
  Chunker: new (channel: { write(buffer: DriverBuffer): void }) => { messageBoundary(): void; flush(): void };
};

export function decode(body: Buffer): Structure {
  return new packstream.Unpacker().unpack(new ChannelBuffer(body)) as Structure;
}

/** One whole message, chunked, as the driver would send it. */
export function encode(signature: number, fields: unknown[]): Buffer {
  const out: Buffer[] = [];
  const chunker = new Chunker({ write: (b) => out.push(Buffer.from(Array.from({ length: b.length }, (_, i) => b.getUInt8(i)))) });
  new packstream.Packer(chunker).packable(new Structure(signature, fields))();
  chunker.messageBoundary();
  chunker.flush();
  return Buffer.concat(out);
}

export const asMap = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {});

export interface Message {
  /** The bytes as received (chunks and end marker): what is forwarded. */
  readonly raw: Buffer;
  /** The message itself, dechunked; empty for a NOOP (a lone end marker). */
  readonly body: Buffer;
}

/** Bytes received on one side of a link, taken off as the handshake and messages complete. */
export class Inbox {
  private bytes: Buffer = Buffer.alloc(0);

  push(data: Buffer): void {
    this.bytes = this.bytes.length === 0 ? data : Buffer.concat([this.bytes, data]);
  }

  take(count: number): Buffer | undefined {
    if (this.bytes.length < count) return undefined;
    const taken = this.bytes.subarray(0, count);
    this.bytes = this.bytes.subarray(count);
    return taken;
  }

  /** The unsigned LEB128 varint at `offset` (the manifest handshake's), once all its bytes are in. */
  varint(offset: number): { value: number; end: number } | undefined {
    let value = 0;
    for (let i = offset, shift = 0; i < this.bytes.length; i++, shift += 7) {
      const byte = this.bytes[i]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return { value, end: i + 1 };
    }
    return undefined;
  }

  message(): Message | undefined {
    const parts: Buffer[] = [];
    for (let offset = 0; offset + 2 <= this.bytes.length; ) {
      const size = this.bytes.readUInt16BE(offset);
      offset += 2;
      if (size === 0) return { body: Buffer.concat(parts), raw: this.take(offset)! };
      if (offset + size > this.bytes.length) return undefined;
      parts.push(this.bytes.subarray(offset, offset + size));
      offset += size;
    }
    return undefined;
  }
}
