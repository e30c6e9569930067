import net from 'node:net';
import { freePort } from '../../src/net';
import { asMap, BEGIN, COMMIT, decode, DISCARD, encode, FAILURE, GOODBYE, IGNORED, Inbox, MANIFEST, PULL, RECORD, RESET, ROLLBACK, ROUTE, RUN, SUCCESS, type Message } from './protocol';

/**
 * A Neo4j cluster topology without a cluster (issue #15): Neo4j Community cannot cluster, so a routing
 * stub and three Bolt-aware TCP proxies - one writer, two readers - all forward to ONE Neo4j. A driver
 * given `cluster.uri` (neo4j://) asks the stub for a routing table and is told: writes go to the
 * writer, reads to the readers. Every proxy records the transactions it carries.
 *
 * What it simulates on top of plain forwarding:
 * - Replication lag: `reader.lag(ms)` - a bookmark the writer returns from then on counts as applied on
 *   that reader `ms` later (`Infinity`: once `reader.catchUp()` is called, for tests that decide on
 *   events). A transaction asking for a bookmark not yet applied is HELD until it is (as a real replica
 *   waits); a read that does not ask for writes not yet applied there is recorded as a `staleRead` (with
 *   one store the data it reads is fresh: the record says a real replica would have answered stale).
 * - A member dying: `kill()` stops listening and cuts its connections (in-flight transactions are `cut`).
 * - A leader switch: `writer.failNextWrites(k)` answers the next k write transactions with FAILURE
 *   Neo.ClientError.Cluster.NotALeader itself (then IGNORED until the driver's RESET).
 *
 * Bolt as far as the stand-in reads it: the handshake is forwarded untouched (the Bolt 5.7+ manifest
 * variant included); after it, messages are chunked (2-byte size, bytes, a 0x0000 end marker). Each
 * message is forwarded as its original bytes; only the signature and the metadata the records need are
 * decoded, with the driver's own PackStream code. Responses reach the client in the order of its
 * requests, whether Neo4j or the stand-in answers them.
 */
export interface BoltCluster {
  /** The routing URI for the driver: neo4j://127.0.0.1:<router port>. */
  readonly uri: string;
  readonly router: BoltMember;
  readonly writer: BoltMember;
  readonly readers: readonly [BoltMember, BoltMember];
  /** ROUTE requests the router has received. */
  readonly routeRequests: number;
  /** The transactions of every member, in the order they arrived. */
  readonly transactions: readonly TransactionRecord[];
  /** Bolt the stand-in could not follow (a protocol error cuts the connection); tests expect none. */
  readonly protocolErrors: readonly string[];
  /** Kills every member. */
  close(): Promise<void>;
}

export type Access = 'READ' | 'WRITE';

/** One transaction as a member saw it (an auto-commit RUN or a BEGIN … COMMIT/ROLLBACK). */
export interface TransactionRecord {
  readonly member: string;
  /** The client connection it came on (numbered per member). */
  readonly connection: number;
  readonly access: Access;
  readonly autoCommit: boolean;
  /** Statements run in it (RUN messages). */
  statements: number;
  /** `tx_metadata` of BEGIN/RUN: the server names its request (`requestId`) and statement (`query`). */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** The bookmarks it asked for. */
  readonly bookmarks: readonly string[];
  readonly arrivedAt: number;
  /** When it was sent on to Neo4j (later than `arrivedAt` when held; unset when the stand-in answered). */
  forwardedAt?: number;
  endedAt?: number;
  /** Held until a bookmark it asked for was applied on this member. */
  held: boolean;
  /** A read that arrived while writes it did not ask for were not applied here (`missed`). */
  staleRead: boolean;
  missed: string[];
  /** The bookmark it produced (SUCCESS of COMMIT, or of the PULL/DISCARD ending an auto-commit). */
  bookmark?: string;
  /** ok: committed or pulled to the end; failed: a FAILURE (`failure` is its code); cut: killed in flight. */
  outcome?: 'ok' | 'failed' | 'cut';
  failure?: string;
}

export const NOT_A_LEADER = 'Neo.ClientError.Cluster.NotALeader';

/** Starts the stand-in in front of the Neo4j at `targetUri` (bolt://host:port). Close it with `close()`. */
export async function startBoltCluster(targetUri: string): Promise<BoltCluster> {
  const url = new URL(targetUri);
  const target = { host: url.hostname, port: Number(url.port || 7687) };
  const state = new ClusterState();
  const router = await BoltMember.start('router', target, state);
  const writer = await BoltMember.start('writer', target, state);
  const readers: [BoltMember, BoltMember] = [await BoltMember.start('reader-1', target, state), await BoltMember.start('reader-2', target, state)];
  state.members = { router, writer, readers };
  const members = [router, writer, ...readers];
  return {
    uri: `neo4j://${router.address}`,
    router,
    writer,
    readers,
    get routeRequests() {
      return state.routeRequests;
    },
    get transactions() {
      return members.flatMap((m) => m.transactions).sort((a, b) => a.arrivedAt - b.arrivedAt);
    },
    protocolErrors: state.protocolErrors,
    close: async () => {
      await Promise.all(members.map((m) => m.kill()));
    },
  };
}

/** One member: a TCP listener whose connections are each forwarded to Neo4j by a BoltLink. */
export class BoltMember {
  readonly transactions: TransactionRecord[] = [];
  private lagMs = 0;
  private failing = { remaining: 0, code: NOT_A_LEADER };
  private readonly links = new Set<BoltLink>();
  private connections = 0;
  private alive = true;

  private constructor(
    readonly name: string,
    readonly address: string,
    private readonly server: net.Server,
    readonly cluster: ClusterState,
  ) {}

  static async start(name: string, target: { host: string; port: number }, cluster: ClusterState): Promise<BoltMember> {
    const port = await freePort();
    const server = net.createServer();
    const member = new BoltMember(name, `127.0.0.1:${port}`, server, cluster);
    server.on('connection', (socket) => member.links.add(new BoltLink(member, ++member.connections, socket, target)));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return member;
  }

  get isAlive(): boolean {
    return this.alive;
  }

  /** The reads among `transactions` that a real replica this far behind would have answered stale. */
  get staleReads(): TransactionRecord[] {
    return this.transactions.filter((t) => t.staleRead);
  }

  /** Writes the writer returns from now on count as applied here `ms` later (0: at once; Infinity: at `catchUp()`). */
  lag(ms: number): void {
    this.lagMs = ms;
  }

  /** Applies here, now, every write not applied yet, and lets the transactions held for them go. */
  catchUp(): void {
    this.cluster.catchUp(this, Date.now());
    for (const link of this.links) link.release();
  }

  get lagging(): number {
    return this.lagMs;
  }

  /** The next `count` write transactions are answered with FAILURE `code` instead of reaching Neo4j. */
  failNextWrites(count: number, code = NOT_A_LEADER): void {
    this.failing = { remaining: count, code };
  }

  /** Takes one pending write failure, if any: its code. */
  takeWriteFailure(): string | undefined {
    if (this.failing.remaining <= 0) return undefined;
    this.failing.remaining--;
    return this.failing.code;
  }

  /** Stops listening and cuts every connection; transactions in flight are recorded as `cut`. */
  async kill(): Promise<void> {
    this.alive = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const link of this.links) link.close();
    await closed;
  }

  forget(link: BoltLink): void {
    this.links.delete(link);
  }
}

/** Where the writes stand: when each bookmark was written and when it is applied on each reader. */
interface Position {
  readonly writtenAt: number;
  readonly appliedAt: Map<BoltMember, number>;
}

class ClusterState {
  members?: { router: BoltMember; writer: BoltMember; readers: readonly BoltMember[] };
  routeRequests = 0;
  readonly protocolErrors: string[] = [];
  /** Bookmarks the stand-in knows, each with the write it stands for. */
  private readonly positions = new Map<string, Position>();
  /** The bookmarks write transactions produced. */
  private readonly writes: string[] = [];

  /**
   * Notes the bookmark a transaction produced. A write's is applied on each reader after that reader's
   * lag; any other (a read's) stands for the latest write among the bookmarks it asked for.
   */
  produced(tx: TransactionRecord, bookmark: string, now: number): void {
    if (this.positions.has(bookmark)) return;
    if (tx.access === 'WRITE') {
      const readers = this.members?.readers ?? [];
      this.positions.set(bookmark, { writtenAt: now, appliedAt: new Map(readers.map((r) => [r, now + r.lagging])) });
      this.writes.push(bookmark);
      return;
    }
    const latest = this.latest(tx.bookmarks);
    if (latest) this.positions.set(bookmark, latest);
  }

  /**
   * How long a transaction arriving at `member` must wait for the bookmarks it asked for; records it
   * as a stale read when writes it did not ask for are not applied there yet.
   */
  holdMs(member: BoltMember, tx: TransactionRecord, now: number): number {
    const asked = this.latest(tx.bookmarks);
    const pending = (bookmark: string) => (this.positions.get(bookmark)?.appliedAt.get(member) ?? 0) > now;
    tx.missed = this.writes.filter((b) => pending(b) && this.positions.get(b)!.writtenAt > (asked?.writtenAt ?? -Infinity));
    tx.staleRead = tx.access === 'READ' && tx.missed.length > 0;
    return Math.max(0, (asked?.appliedAt.get(member) ?? 0) - now);
  }

  catchUp(member: BoltMember, now: number): void {
    for (const position of this.positions.values()) {
      if ((position.appliedAt.get(member) ?? 0) > now) position.appliedAt.set(member, now);
    }
  }

  /** The routing table Neo4j returned, with our members in it (those alive). */
  routingTable(metadata: { rt?: Record<string, unknown> }): Record<string, unknown> {
    const { router, writer, readers } = this.members!;
    const live = (members: readonly BoltMember[]) => members.filter((m) => m.isAlive).map((m) => m.address);
    const servers = [
      { addresses: live([writer]), role: 'WRITE' },
      { addresses: live(readers), role: 'READ' },
      { addresses: live([router]), role: 'ROUTE' },
    ];
    return { ...metadata, rt: { ...metadata.rt, servers } };
  }

  private latest(bookmarks: readonly string[]): Position | undefined {
    let latest: Position | undefined;
    for (const b of bookmarks) {
      const p = this.positions.get(b);
      if (p && (!latest || p.writtenAt > latest.writtenAt)) latest = p;
    }
    return latest;
  }
}

/** A request awaiting its response: Neo4j's, or one the stand-in gives (`local`) once all before it are answered. */
interface Pending {
  readonly signature: number;
  readonly tx?: TransactionRecord;
  readonly local?: Buffer;
}

/** One client connection to a member, and its own connection to Neo4j. */
class BoltLink {
  private readonly upstream: net.Socket;
  private readonly fromClient = new Inbox();
  private readonly fromServer = new Inbox();
  private clientPhase: 'handshake' | 'awaitingServer' | 'selection' | 'messages' = 'handshake';
  private serverPhase: 'handshake' | 'manifest' | 'messages' = 'handshake';
  private manifest = false;
  private readonly inbound: Message[] = [];
  private readonly pending: Pending[] = [];
  /** A transaction held for a bookmark: it and everything after it wait for `release`. */
  private holding?: { readonly timer?: NodeJS.Timeout; readonly release: () => void };
  /** The open transaction, and whether it is explicit (BEGIN) rather than an auto-commit RUN. */
  private tx?: TransactionRecord;
  private explicit = false;
  /** The stand-in answered FAILURE: like Neo4j, it ignores what follows until RESET. */
  private failed = false;
  private closed = false;

  constructor(
    private readonly member: BoltMember,
    private readonly id: number,
    private readonly client: net.Socket,
    target: { host: string; port: number },
  ) {
    this.upstream = net.connect(target.port, target.host);
    for (const [socket, read] of [
      [client, () => this.readClient()],
      [this.upstream, () => this.readServer()],
    ] as const) {
      const inbox = socket === client ? this.fromClient : this.fromServer;
      socket.on('data', (data: Buffer) => {
        inbox.push(data);
        this.guarded(read);
      });
      socket.on('error', () => this.close());
      socket.on('close', () => this.close());
    }
  }

  /** Cuts both connections; the transactions not yet answered are recorded as `cut`. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.holding?.timer);
    for (const p of this.pending) if (p.tx && !p.tx.outcome) p.tx.outcome = 'cut';
    if (this.tx && !this.tx.outcome) this.tx.outcome = 'cut';
    this.client.destroy();
    this.upstream.destroy();
    this.member.forget(this);
  }

  private guarded(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.member.cluster.protocolErrors.push(`${this.member.name}#${this.id}: ${error instanceof Error ? error.message : String(error)}`);
      this.close();
    }
  }

  private readClient(): void {
    for (;;) {
      if (this.clientPhase === 'handshake') {
        const handshake = this.fromClient.take(20); // magic 0x6060B017 + four proposed versions
        if (!handshake) return;
        this.upstream.write(handshake);
        this.clientPhase = 'awaitingServer';
      } else if (this.clientPhase === 'awaitingServer') {
        if (this.serverPhase === 'handshake') return;
        this.clientPhase = this.manifest ? 'selection' : 'messages';
      } else if (this.clientPhase === 'selection') {
        const capabilities = this.fromClient.varint(4); // the chosen version, then its capabilities
        if (!capabilities) return;
        this.upstream.write(this.fromClient.take(capabilities.end)!);
        this.clientPhase = 'messages';
      } else {
        const message = this.fromClient.message();
        if (!message) return;
        this.inbound.push(message);
        this.pump();
      }
    }
  }

  private readServer(): void {
    for (;;) {
      if (this.serverPhase === 'handshake') {
        const version = this.fromServer.take(4);
        if (!version) return;
        this.manifest = version.readUInt32BE(0) === MANIFEST;
        this.client.write(version);
        this.serverPhase = this.manifest ? 'manifest' : 'messages';
        this.readClient();
      } else if (this.serverPhase === 'manifest') {
        const count = this.fromServer.varint(0); // offered version ranges, 4 bytes each, then capabilities
        const capabilities = count && this.fromServer.varint(count.end + 4 * count.value);
        if (!capabilities) return;
        this.client.write(this.fromServer.take(capabilities.end)!);
        this.serverPhase = 'messages';
      } else {
        const message = this.fromServer.message();
        if (!message) return;
        this.respond(message);
      }
    }
  }

  /** Handles the client's messages in order; a held transaction holds everything after it. */
  private pump(): void {
    while (!this.holding && !this.closed) {
      const message = this.inbound.shift();
      if (!message) return;
      this.request(message);
    }
  }

  private request(message: Message): void {
    const signature = message.body[1];
    if (signature === GOODBYE) {
      this.upstream.write(message.raw);
      return;
    }
    if (signature === RESET) {
      this.failed = false;
      this.explicit = false;
      this.forward(message, { signature });
      return;
    }
    if (this.failed) {
      this.answer({ signature: signature ?? 0, local: encode(IGNORED, []) });
      return;
    }
    switch (signature) {
      case BEGIN:
        this.explicit = true;
        this.begin(message, asMap(decode(message.body).fields[0]), false);
        return;
      case RUN:
        if (this.explicit) {
          if (this.tx) this.tx.statements++;
          this.forward(message, { signature, tx: this.tx });
        } else this.begin(message, asMap(decode(message.body).fields[2]), true);
        return;
      case COMMIT:
      case ROLLBACK:
        this.explicit = false;
        this.forward(message, { signature, tx: this.tx });
        return;
      case PULL:
      case DISCARD:
        this.forward(message, { signature, tx: this.tx });
        return;
      case ROUTE:
        this.member.cluster.routeRequests++;
        this.forward(message, { signature });
        return;
      default:
        this.forward(message, { signature: signature ?? 0 });
    }
  }

  /** A transaction starts (BEGIN, or a RUN outside one): recorded, then failed, held or forwarded. */
  private begin(message: Message, extra: Record<string, unknown>, autoCommit: boolean): void {
    const now = Date.now();
    const bookmarks = Array.isArray(extra.bookmarks) ? extra.bookmarks.map(String) : [];
    const tx: TransactionRecord = {
      member: this.member.name,
      connection: this.id,
      access: extra.mode === 'r' ? 'READ' : 'WRITE',
      autoCommit,
      statements: autoCommit ? 1 : 0,
      metadata: asMap(extra.tx_metadata),
      bookmarks,
      arrivedAt: now,
      held: false,
      staleRead: false,
      missed: [],
    };
    this.member.transactions.push(tx);
    this.tx = tx;
    const signature = message.body[1]!;
    const failure = tx.access === 'WRITE' ? this.member.takeWriteFailure() : undefined;
    if (failure) {
      // Bolt 5.7+ carries the code as `neo4j_code`, earlier versions as `code`: both are given.
      const text = `${this.member.name} refuses the write (the stand-in's ${failure})`;
      Object.assign(tx, { endedAt: now, outcome: 'failed', failure });
      this.failed = true;
      this.explicit = false;
      this.answer({ signature, tx, local: encode(FAILURE, [{ code: failure, neo4j_code: failure, message: text }]) });
      return;
    }
    const holdMs = this.member.cluster.holdMs(this.member, tx, now);
    if (holdMs <= 0) {
      tx.forwardedAt = now;
      this.forward(message, { signature, tx });
      return;
    }
    tx.held = true;
    const release = () => {
      clearTimeout(this.holding?.timer);
      this.holding = undefined;
      tx.forwardedAt = Date.now();
      this.guarded(() => {
        this.forward(message, { signature, tx });
        this.pump();
      });
    };
    this.holding = { release, ...(Number.isFinite(holdMs) ? { timer: setTimeout(release, holdMs) } : {}) };
  }

  /** Forwards the held transaction, if any (its bookmarks are applied now). */
  release(): void {
    if (!this.closed) this.holding?.release();
  }

  private forward(message: Message, pending: Pending): void {
    this.pending.push(pending);
    this.upstream.write(message.raw);
  }

  private answer(pending: Pending): void {
    this.pending.push(pending);
    this.flushLocal();
  }

  /** Sends the stand-in's own answers that are next in line. */
  private flushLocal(): void {
    while (this.pending[0]?.local) this.client.write(this.pending.shift()!.local!);
  }

  /** A message from Neo4j: RECORDs stream, a summary answers the oldest request. */
  private respond(message: Message): void {
    const signature = message.body[1];
    if (message.body.length === 0 || signature === RECORD) {
      this.client.write(message.raw);
      return;
    }
    const request = this.pending.shift();
    if (!request || request.local) throw new Error(`response 0x${signature?.toString(16)} with no request waiting for Neo4j`);
    let raw = message.raw;
    if (signature === SUCCESS) {
      if (request.signature === ROUTE) raw = encode(SUCCESS, [this.member.cluster.routingTable(asMap(decode(message.body).fields[0]))]);
      else if (request.tx) this.succeeded(request.signature, request.tx, message);
    } else if (signature === FAILURE && request.tx && !request.tx.outcome) {
      const failure = asMap(decode(message.body).fields[0]);
      Object.assign(request.tx, { endedAt: Date.now(), outcome: 'failed', failure: String(failure.neo4j_code ?? failure.code) });
    } else if (signature === IGNORED && request.tx && !request.tx.outcome) {
      Object.assign(request.tx, { endedAt: Date.now(), outcome: 'failed' });
    }
    this.client.write(raw);
    this.flushLocal();
  }

  /** Ends a transaction on the SUCCESS of its COMMIT/ROLLBACK, or of the last PULL/DISCARD of an auto-commit. */
  private succeeded(request: number, tx: TransactionRecord, message: Message): void {
    const ends = request === COMMIT || request === ROLLBACK || (tx.autoCommit && (request === PULL || request === DISCARD));
    if (!ends) return;
    const metadata = asMap(decode(message.body).fields[0]);
    if (metadata.has_more === true) return;
    const now = Date.now();
    Object.assign(tx, { endedAt: now, outcome: 'ok' });
    if (typeof metadata.bookmark === 'string') {
      tx.bookmark = metadata.bookmark;
      this.member.cluster.produced(tx, metadata.bookmark, now);
    }
  }
}
