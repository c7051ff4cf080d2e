/**
 * Several statements in one round trip. Their extended-protocol messages leave in one write behind
 * a single Sync, so PostgreSQL reads them at once and answers in one reply; sent as separate
 * queries, each would cost a Sync, a reply and a wake-up on both sides, which on a virtual machine
 * cost more than running the statements.
 *
 * Without BEGIN, the statements before a Sync are one implicit transaction, which PostgreSQL
 * commits at the Sync, or rolls back if any of them failed. Batches that end their transaction so
 * can share a connection: `SharedBatches` writes those sent in the same turn of the event loop
 * together, up to `perWrite` to a connection, on `pg`'s pipeline mode.
 */
import pg from "pg";
import type { Connection, DatabaseError } from "pg";
import type { DataRowMessage, RowDescriptionMessage } from "pg-protocol/dist/messages.js";
import { serialize } from "pg-protocol";

export interface BatchStatement {
  text: string;
  values?: readonly unknown[];
  /** For a statement sent again and again: parsed and planned once per connection. */
  name?: string;
  /** Whether its rows are wanted: they are then described and parsed into objects. */
  rows?: boolean;
}

export type Row = Record<string, unknown>;

/**
 * What each connection holds of the named statements: `sent` while the batch that parses one is
 * still in flight, `unknown` when that batch failed, perhaps before the Parse, perhaps after.
 */
type NameState = "parsed" | "sent" | "unknown";
const prepared = new WeakMap<Connection, Map<string, NameState>>();

function preparedOn(connection: Connection): Map<string, NameState> {
  let names = prepared.get(connection);
  if (!names) {
    names = new Map();
    prepared.set(connection, names);
  }
  return names;
}

/** Values in PostgreSQL's text format: every value bound here is text or a number. */
function textValue(value: unknown): string | null {
  return value === null || value === undefined
    ? null
    : typeof value === "string"
      ? value
      : String(value);
}

type Parser = (text: string) => unknown;

/** An error PostgreSQL answered with, as opposed to a connection that broke. */
export function isDatabaseError(error: unknown): error is DatabaseError {
  return (
    (error as DatabaseError).code !== undefined && (error as DatabaseError).severity !== undefined
  );
}

/**
 * One batch: a `pg` query, so that the client's pipeline mode routes its reply to it. Pipeline mode
 * refuses other Submittables because they may keep a portal open across round trips; a batch
 * never does, it ends at its Sync.
 */
export class Batch extends pg.Query {
  /** Each statement's rows (empty unless it asked for them), once the whole batch has run. */
  readonly results: Promise<Row[][]>;
  private resolve!: (rows: Row[][]) => void;
  private reject!: (error: Error) => void;
  private readonly done: Row[][] = [];
  /** The rows of the statement being answered. (Not `rows`: pg.Query reads that as a page size.) */
  private current: Row[] = [];
  private columns: { name: string; parse: Parser }[] | undefined;
  private names: Map<string, NameState> | undefined;
  /** The statements this batch parses under their name, by index. */
  private readonly parsing = new Map<number, string>();

  constructor(private readonly statements: readonly BatchStatement[]) {
    // The query's own text is never sent: submit writes the batch's messages instead.
    super("");
    this.results = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  override submit = (connection: Connection): void => {
    const names = preparedOn(connection);
    this.names = names;
    const messages: Buffer[] = [];
    this.statements.forEach((statement, index) => {
      let name = statement.name ?? "";
      const state = name ? names.get(name) : undefined;
      // Parsed by a batch ahead of this one, which may yet fail before it: parse it unnamed here.
      if (state === "sent") name = "";
      // Closing a statement that does not exist is no error, so an unknown one is made anew.
      if (state === "unknown") messages.push(serialize.close({ type: "S", name }));
      if (state !== "parsed") {
        messages.push(serialize.parse({ name, text: statement.text }));
        if (name) {
          names.set(name, "sent");
          this.parsing.set(index, name);
        }
      }
      messages.push(
        serialize.bind({ statement: name, values: (statement.values ?? []).map(textValue) }),
      );
      if (statement.rows) messages.push(serialize.describe({ type: "P", name: "" }));
      messages.push(serialize.execute({ portal: "" }));
    });
    messages.push(serialize.sync());
    connection.stream.write(Buffer.concat(messages));
  };

  handleRowDescription(message: RowDescriptionMessage): void {
    this.columns = message.fields.map((field) => ({
      name: field.name,
      parse: pg.types.getTypeParser(field.dataTypeID, "text") as Parser,
    }));
  }

  handleDataRow(message: DataRowMessage): void {
    const columns = this.columns;
    if (!columns) return;
    const row: Row = {};
    for (let i = 0; i < columns.length; i++) {
      const value = message.fields[i] as string | null;
      row[columns[i]!.name] = value === null ? null : columns[i]!.parse(value);
    }
    this.current.push(row);
  }

  handleCommandComplete(): void {
    const name = this.parsing.get(this.done.length);
    if (name !== undefined) {
      this.names!.set(name, "parsed");
      this.parsing.delete(this.done.length);
    }
    this.done.push(this.current);
    this.current = [];
    this.columns = undefined;
  }

  handleEmptyQuery(): void {
    this.handleCommandComplete();
  }

  handleError(error: Error): void {
    for (const name of this.parsing.values()) this.names?.set(name, "unknown");
    this.parsing.clear();
    this.reject(error);
  }

  handleReadyForQuery(): void {
    this.resolve(this.done);
  }

  /** How many statements ran to completion: after an error, the failed one is the next. */
  get completed(): number {
    return this.done.length;
  }
}

/**
 * Batches that end their own transaction (no BEGIN), sent several to a connection: those that
 * arrive in the same turn of the event loop leave together, at most `perWrite` to a write and one
 * write to a connection, so a burst of requests costs PostgreSQL one wake-up and one reply per
 * write rather than per request, and the stack one socket write. Each keeps its own Sync, so one
 * failing leaves the others untouched. A slow one delays those written behind it.
 *
 * A turn's batches go to as few connections as `perWrite` allows, not spread over as many as
 * there are cores: the embedded PostgreSQL shares this machine's cores with the stack and its
 * clients, so a second backend woken buys little parallelism, and each write, wake-up and reply is
 * paid again. On 2 cores, with one row-by-key read a request at 16 clients, spreading a turn over
 * two connections made REST 0.70–0.73 of direct SQL, up to 8 to a connection 0.85–0.88, up to 16
 * no more (0.86–0.95) for twice the requests a slow one may hold up (`npm run bench -- REST`,
 * issue 24).
 */
export class SharedBatches {
  private waiting: Batch[] = [];

  /** `pool`'s clients must run in pipeline mode. */
  constructor(
    private readonly pool: pg.Pool,
    private readonly perWrite = 8,
  ) {}

  send(batch: Batch): void {
    if (this.waiting.length === 0) setImmediate(() => this.flush());
    this.waiting.push(batch);
  }

  private flush(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (let start = 0; start < waiting.length; start += this.perWrite) {
      void this.write(waiting.slice(start, start + this.perWrite));
    }
  }

  private async write(batches: Batch[]): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      for (const batch of batches) batch.handleError(error as Error);
      return;
    }
    const socket = client.connection.stream;
    socket.cork();
    for (const batch of batches) client.query(batch);
    socket.uncork();
    const settled = await Promise.allSettled(batches.map((batch) => batch.results));
    // A reply that never came (the connection broke) leaves the client unusable.
    client.release(settled.some((s) => s.status === "rejected" && !isDatabaseError(s.reason)));
  }
}
