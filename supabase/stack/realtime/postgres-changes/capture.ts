import { randomBytes } from "node:crypto";
import pg from "pg";
import { describePgError } from "../../database/connection.ts";
import { decodePgOutput, type Relation, type TupleValue } from "./pgoutput.ts";

/*
 * Change capture: logical decoding with PostgreSQL's built-in `pgoutput` plugin, streamed over a
 * replication connection (`START_REPLICATION … LOGICAL`), so the server pushes each transaction the
 * moment it commits; nothing polls. Chosen over triggers and a queue table because:
 * - the WAL hands out every committed change exactly once, whole transactions at a time, in commit
 *   order, so nothing is lost or reordered however many writers there are;
 * - `pgoutput` reads the `supabase_realtime` publication itself: adding a table to it (the hosted
 *   way, `alter publication supabase_realtime add table …`) is all a project does, with no
 *   per-table triggers to install and nothing in `sql/` that hosted Supabase would not have;
 * - replica identity decides the old record, exactly as on hosted Supabase.
 *
 * The slot is told (standby status updates) only of what was delivered, so when the replication
 * connection is lost (a reset, PostgreSQL restarting under a running stack) the next one resumes
 * where delivery stopped and nothing committed in between is missed. The slot is this process's own:
 * a new stack starts from its own start, never replaying another's backlog to its new subscribers.
 * It is dropped when the stack stops; one left by a stack that died is dropped when the next stack
 * starts on the same database, so it pins WAL no longer than that (DATABASE_URL may be a shared
 * server).
 *
 * The walsender sends WAL once it is flushed. With `synchronous_commit = on` (the embedded server
 * and hosted Supabase) that is at COMMIT; a DATABASE_URL server with it off delays changes by up to
 * three `wal_writer_delay`.
 */

const messagesPublication = "supabase_realtime_messages_publication";
const changesPublication = "supabase_realtime";
const slotPrefix = "pitlane_realtime_";
/** Changes waiting for delivery past which the stream is not read until delivery catches up. */
const maxQueued = 10_000;
// PostgreSQL timestamps count microseconds from 2000-01-01.
const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1);

export type RowChange =
  | { type: "INSERT"; relation: Relation; newTuple: TupleValue[] }
  | {
      type: "UPDATE";
      relation: Relation;
      newTuple: TupleValue[];
      oldTuple?: TupleValue[];
      oldIsKeyOnly: boolean;
    }
  | { type: "DELETE"; relation: Relation; oldTuple: TupleValue[]; oldIsKeyOnly: boolean };

export interface CommittedChange {
  change: RowChange;
  commitTime: Date;
  /** The 32-bit id of the transaction that made the change (pgoutput sends no epoch). */
  xid: number;
}

export interface CaptureOptions {
  /** A login with REPLICATION that owns realtime.messages (supabase_realtime_admin). */
  url: string;
  /**
   * Receives committed changes in commit order: everything that arrived while the previous call
   * ran, so a burst is one call. The next call waits for it; the slot forgets a change only after.
   */
  deliver(changes: CommittedChange[]): Promise<void>;
  log(line: string): void;
}

/** What `pg` offers of the CopyBoth sub-protocol beyond its typings. */
interface CopyBothConnection {
  stream: { pause(): void; resume(): void };
  on(event: "copyData", listener: (message: { chunk: Buffer }) => void): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

function lsnText(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

export class WalCapture {
  private client: pg.Client | undefined;
  private connection: CopyBothConnection | undefined;
  private readonly relations = new Map<number, Relation>();
  private readonly slot = `${slotPrefix}${process.pid}_${randomBytes(4).toString("hex")}`;
  private stopped = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  /** The transaction being received: its id and changes so far, undefined between transactions. */
  private open: { xid: number; changes: RowChange[] } | undefined;
  /** Committed changes not yet handed to `deliver`, in commit order. */
  private queue: CommittedChange[] = [];
  /**
   * Where the last transaction received whole ends (or the position a keepalive between
   * transactions vouched for): a new stream starts there.
   */
  private received = 0n;
  /** Where the last delivered transaction ends: all the slot may forget. */
  private delivered = 0n;
  private delivering: Promise<void> | undefined;
  private paused = false;
  /** The START_REPLICATION command in flight: it completes when the stream ends. */
  private streaming: Promise<unknown> | undefined;

  constructor(private readonly options: CaptureOptions) {}

  /** Resolves once the slot exists: every change committed after this is captured. */
  async start(): Promise<void> {
    await this.connect();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    const { client, connection } = this;
    if (client && connection) {
      // CopyDone ends the stream; the connection then takes commands again and drops the slot.
      // PostgreSQL may be gone already (the stack stops it after its services): then the slot went
      // with it, or the next start drops it.
      connection.endCopyFrom();
      await this.streaming?.catch(() => undefined);
      await client
        .query(`DROP_REPLICATION_SLOT ${this.slot} WAIT`)
        .catch((error: unknown) =>
          this.options.log(
            `realtime: could not drop replication slot ${this.slot}: ${describePgError(error)}`,
          ),
        );
    }
    await client?.end().catch(() => undefined);
    await this.loop;
    // A connection opened by a reconnect that stop() overtook.
    if (this.client !== client) await this.client?.end().catch(() => undefined);
    await this.delivering;
  }

  /**
   * Opens the replication connection and makes sure the slot exists. At the first start it also
   * creates the messages publication and drops slots of stacks that died.
   */
  private async connect(): Promise<void> {
    const config: pg.ClientConfig & { replication: string } = {
      connectionString: this.options.url,
      replication: "database",
      options: "-c TimeZone=UTC",
    };
    const client = new pg.Client(config);
    client.on("error", () => undefined); // A lost connection ends the stream, handled there.
    await client.connect();
    const first = this.loop === undefined;
    try {
      if (first) {
        // Realtime creates this publication itself on hosted projects; insert-only, because only
        // new messages are broadcast and updates need no replica identity on the table.
        await client.query(`
          do $$
          declare
            stale text;
          begin
            if not exists (select from pg_publication where pubname = '${messagesPublication}') then
              create publication ${messagesPublication} for table realtime.messages with (publish = 'insert');
            end if;
            for stale in select slot_name from pg_replication_slots
                          where slot_name like '${slotPrefix.replaceAll("_", "\\_")}%' and database = current_database() and not active loop
              begin
                perform pg_drop_replication_slot(stale);
              exception when object_in_use or undefined_object then
                null; -- another stack took it up again, or dropped it first
              end;
            end loop;
          end
          $$`);
      }
      const { rows } = await client.query<{ exists: boolean }>(
        `select exists (select from pg_replication_slots where slot_name = '${this.slot}') as exists`,
      );
      if (!rows[0]!.exists) {
        await client.query(
          `CREATE_REPLICATION_SLOT ${this.slot} LOGICAL pgoutput NOEXPORT_SNAPSHOT`,
        );
        if (!first)
          this.options.log(
            `realtime: replication slot ${this.slot} was gone; changes committed while change capture was disconnected were missed`,
          );
      }
    } catch (error) {
      await client.end().catch(() => undefined);
      throw new Error(`realtime: cannot start change capture: ${describePgError(error)}`, {
        cause: error,
      });
    }
    this.client = client;
    this.connection = (client as unknown as { connection: CopyBothConnection }).connection;
    this.relations.clear();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        if (!this.client) {
          await this.connect();
          failures = 0;
          // Stopped while reconnecting: stop() found no connection to end.
          if (this.stopped) break;
        }
        await this.stream();
      } catch (error) {
        if (this.stopped) break;
        failures++;
        // One lost connection (a reset, the server stopping with the stack) is retried quietly.
        if (failures > 1)
          this.options.log(
            `realtime: change capture failed (${describePgError(error)}); reconnecting`,
          );
      }
      if (this.stopped) break;
      await this.client?.end().catch(() => undefined);
      this.client = undefined;
      this.connection = undefined;
      this.paused = false;
      // The queue holds whole transactions and is still delivered; a transaction cut off midway
      // comes again, as the stream restarts after the last one received.
      this.open = undefined;
      await this.sleep(Math.min(5000, 100 * 2 ** failures));
    }
  }

  /** Streams changes until the connection ends; rejects with why. */
  private stream(): Promise<void> {
    const client = this.client!;
    const connection = this.connection!;
    return new Promise<void>((_resolve, reject) => {
      connection.on("copyData", ({ chunk }) => {
        try {
          this.receive(chunk);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          void client.end().catch(() => undefined);
        }
      });
      client.once("end", () => reject(new Error("the replication connection ended")));
      this.streaming = client.query(
        `START_REPLICATION SLOT ${this.slot} LOGICAL ${lsnText(this.received)} (proto_version '1', publication_names '${changesPublication},${messagesPublication}')`,
      );
      this.streaming.then(
        () => reject(new Error("the replication stream ended")),
        (error: unknown) => reject(error as Error),
      );
    });
  }

  /** One CopyData message of the stream: WAL data ('w') or a keepalive ('k'). */
  private receive(chunk: Buffer): void {
    if (chunk[0] === 0x77) {
      // Start and end of the WAL it covers, the server's clock, then one pgoutput message.
      this.decode(chunk.subarray(25));
    } else if (chunk[0] === 0x6b) {
      // Between transactions with nothing left to deliver, the server's position is safe to
      // confirm: it frees WAL the slot kept for changes to tables nobody publishes.
      const walEnd = chunk.readBigUInt64BE(1);
      if (this.open === undefined && walEnd > this.received) this.received = walEnd;
      if (chunk[17] === 1) this.sendStatus();
      this.pump();
    }
  }

  private decode(data: Buffer): void {
    const message = decodePgOutput(data);
    switch (message.tag) {
      case "relation":
        this.relations.set(message.relation.id, message.relation);
        break;
      case "begin":
        this.open = { xid: message.xid, changes: [] };
        break;
      case "insert":
        this.open!.changes.push({
          type: "INSERT",
          relation: this.relation(message.relationId),
          newTuple: message.newTuple,
        });
        break;
      case "update":
        this.open!.changes.push({
          type: "UPDATE",
          relation: this.relation(message.relationId),
          newTuple: message.newTuple,
          oldTuple: message.oldTuple,
          oldIsKeyOnly: message.oldIsKeyOnly,
        });
        break;
      case "delete":
        this.open!.changes.push({
          type: "DELETE",
          relation: this.relation(message.relationId),
          oldTuple: message.oldTuple,
          oldIsKeyOnly: message.oldIsKeyOnly,
        });
        break;
      case "commit":
        // A transaction received before the connection was lost may come again: skip it.
        if (message.endLsn > this.received) {
          for (const change of this.open?.changes ?? [])
            this.queue.push({ change, commitTime: message.commitTime, xid: this.open!.xid });
          this.received = message.endLsn;
        }
        this.open = undefined;
        this.pump();
        break;
      default:
        // Realtime sends nothing for TRUNCATE; origins and types need no handling.
        break;
    }
  }

  /** Hands what is queued to `deliver` unless a delivery is under way; reads less while it lags. */
  private pump(): void {
    if (this.delivering) {
      if (!this.paused && this.queue.length > maxQueued) {
        this.paused = true;
        this.connection?.stream.pause();
      }
      return;
    }
    if (this.received <= this.delivered) return;
    const batch = this.queue;
    const end = this.received;
    const connection = this.connection;
    this.queue = [];
    this.delivering = (batch.length > 0 ? this.options.deliver(batch) : Promise.resolve())
      .catch((error: unknown) =>
        this.options.log(`realtime: delivering changes failed: ${(error as Error).message}`),
      )
      .then(() => {
        this.delivering = undefined;
        this.delivered = end;
        // Only the connection that is streaming now is told, or resumed. A position a keepalive
        // vouched for (transactions that touched no published table: most of them) is confirmed
        // with the next delivery or when the server asks: a reply to each would be a write here
        // and a wake-up of the walsender for every commit to the database.
        if (connection === this.connection) {
          if (batch.length > 0) this.sendStatus();
          if (this.paused) {
            this.paused = false;
            connection?.stream.resume();
          }
        }
        this.pump();
      });
  }

  /** Standby status update: written, flushed and applied up to what was delivered. */
  private sendStatus(): void {
    if (this.stopped) return;
    const message = Buffer.alloc(34);
    message[0] = 0x72; // 'r'
    message.writeBigUInt64BE(this.delivered, 1);
    message.writeBigUInt64BE(this.delivered, 9);
    message.writeBigUInt64BE(this.delivered, 17);
    message.writeBigInt64BE(BigInt(Date.now() - POSTGRES_EPOCH_MS) * 1000n, 25);
    message[33] = 0;
    this.connection?.sendCopyFromChunk(message);
  }

  private relation(id: number): Relation {
    const relation = this.relations.get(id);
    if (!relation)
      throw new Error(`pgoutput sent a change for relation ${id} before describing it`);
    return relation;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}
