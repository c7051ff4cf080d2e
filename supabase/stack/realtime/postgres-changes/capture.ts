import { randomBytes } from "node:crypto";
import pg from "pg";
import { describePgError } from "../../database/connection.ts";
import { decodePgOutput, type Relation, type TupleValue } from "./pgoutput.ts";

/*
 * Change capture: logical decoding with PostgreSQL's built-in `pgoutput` plugin through a temporary
 * replication slot, drained with `pg_logical_slot_get_binary_changes` (the SQL interface Supabase
 * Realtime itself polls, with wal2json). Chosen over triggers and a queue table because:
 * - the WAL hands out every committed change exactly once, whole transactions at a time, in commit
 *   order, so nothing is lost or reordered however many writers there are;
 * - `pgoutput` reads the `supabase_realtime` publication itself: adding a table to it (the hosted
 *   way, `alter publication supabase_realtime add table …`) is all a project does, with no
 *   per-table triggers to install and nothing in `sql/` that hosted Supabase would not have;
 * - replica identity decides the old record, exactly as on hosted Supabase.
 * The slot is temporary, so it disappears with the stack's connection and never pins WAL of a
 * database nobody is listening to (DATABASE_URL may be a shared server).
 */

const messagesPublication = "supabase_realtime_messages_publication";
const changesPublication = "supabase_realtime";
/** Decoding stops after the transaction that crosses this many messages, which bounds one batch. */
const maxMessagesPerPoll = 5000;

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
}

export interface CaptureOptions {
  /** A login with REPLICATION that owns realtime.messages (supabase_realtime_admin). */
  url: string;
  /** Receives each poll's changes in commit order; the next poll waits for it. */
  deliver(changes: CommittedChange[]): Promise<void>;
  /** How long to wait between polls that found nothing. */
  idleMs(): number;
  log(line: string): void;
}

export class WalCapture {
  private client: pg.Client | undefined;
  private readonly relations = new Map<number, Relation>();
  private stopped = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly slot = `pitlane_realtime_${process.pid}_${randomBytes(4).toString("hex")}`;
  /** Whether the server can flush the WAL on request (PostgreSQL 17's `pg_logical_emit_message(…, flush)`). */
  private canFlush = false;

  constructor(private readonly options: CaptureOptions) {}

  /** Resolves once the slot exists: every change committed after this is captured. */
  async start(): Promise<void> {
    await this.connect();
    this.loop = this.run();
  }

  /** Ends an idle wait now: the poll interval was just shortened by a new listener. */
  nudge(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    // Ending the connection first cuts short a poll in flight; the loop then sees `stopped`.
    await this.client?.end().catch(() => undefined);
    await this.loop;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.url,
      options: "-c TimeZone=UTC",
    });
    client.on("error", () => undefined); // A lost connection surfaces as a failed poll, handled there.
    await client.connect();
    try {
      // Realtime creates this publication itself on hosted projects; insert-only, because only new
      // messages are broadcast and updates need no replica identity on the table.
      await client.query(`
        do $$
        begin
          if not exists (select from pg_publication where pubname = '${messagesPublication}') then
            create publication ${messagesPublication} for table realtime.messages with (publish = 'insert');
          end if;
        end
        $$`);
      await client.query("select pg_create_logical_replication_slot($1, 'pgoutput', true)", [
        this.slot,
      ]);
      const { rows } = await client.query<{ version: number }>(
        "select current_setting('server_version_num')::int as version",
      );
      this.canFlush = rows[0]!.version >= 170000;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw new Error(`realtime: cannot start change capture: ${describePgError(error)}`, {
        cause: error,
      });
    }
    this.client = client;
    this.relations.clear();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      let found: number;
      try {
        if (!this.client) await this.connect();
        found = await this.poll();
        failures = 0;
      } catch (error) {
        if (this.stopped) break;
        failures++;
        // One lost connection (a reset, the server stopping with the stack) is retried quietly.
        if (failures > 1)
          this.options.log(
            `realtime: change capture failed (${describePgError(error)}); reconnecting`,
          );
        await this.client?.end().catch(() => undefined);
        this.client = undefined;
        await this.sleep(Math.min(5000, 100 * 2 ** failures));
        continue;
      }
      if (found === 0) await this.sleep(this.options.idleMs());
    }
  }

  private async poll(): Promise<number> {
    // Decoding stops at the last WAL flushed to disk. On a server with synchronous_commit=off (a
    // DATABASE_URL may point at one) a commit can wait up to three wal_writer_delay (600 ms) for
    // that; flushing first (only when something was written since) keeps delivery immediate.
    if (this.canFlush) {
      await this.client!.query(
        "select pg_logical_emit_message(false, 'pitlane_realtime', '', true) where pg_current_wal_insert_lsn() > pg_current_wal_flush_lsn()",
      );
    }
    const { rows } = await this.client!.query<{ data: Buffer }>(
      `select data from pg_logical_slot_get_binary_changes($1, null, $2, 'proto_version', '1', 'publication_names', $3)`,
      [this.slot, maxMessagesPerPoll, `${changesPublication},${messagesPublication}`],
    );
    const changes: CommittedChange[] = [];
    let pending: RowChange[] = [];
    for (const row of rows) {
      const message = decodePgOutput(row.data);
      switch (message.tag) {
        case "relation":
          this.relations.set(message.relation.id, message.relation);
          break;
        case "begin":
          pending = [];
          break;
        case "insert":
          pending.push({
            type: "INSERT",
            relation: this.relation(message.relationId),
            newTuple: message.newTuple,
          });
          break;
        case "update":
          pending.push({
            type: "UPDATE",
            relation: this.relation(message.relationId),
            newTuple: message.newTuple,
            oldTuple: message.oldTuple,
            oldIsKeyOnly: message.oldIsKeyOnly,
          });
          break;
        case "delete":
          pending.push({
            type: "DELETE",
            relation: this.relation(message.relationId),
            oldTuple: message.oldTuple,
            oldIsKeyOnly: message.oldIsKeyOnly,
          });
          break;
        case "commit":
          for (const change of pending) changes.push({ change, commitTime: message.commitTime });
          pending = [];
          break;
        default:
          // Realtime sends nothing for TRUNCATE; origins and types need no handling.
          break;
      }
    }
    if (changes.length > 0) await this.options.deliver(changes);
    return rows.length;
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
