/**
 * Several statements in one round trip. Their extended-protocol messages leave in one write behind
 * a single Sync, so PostgreSQL reads them at once and answers in one reply; sent as separate
 * queries, each would cost a Sync, a reply and a wake-up on both sides, which on a virtual machine
 * cost more than running the statements.
 *
 * A batch is a `pg` Submittable: the client hands it every message of its reply. An error ends the
 * batch: PostgreSQL skips what follows up to the Sync, so later statements neither run nor answer.
 */
import pg from "pg";
import type { Connection } from "pg";
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

/** Named statements each connection holds; `maybe` when a failed batch may have left one half-known. */
const prepared = new WeakMap<Connection, Map<string, "parsed" | "maybe">>();

function preparedOn(connection: Connection): Map<string, "parsed" | "maybe"> {
  let names = prepared.get(connection);
  if (!names) {
    names = new Map();
    prepared.set(connection, names);
  }
  return names;
}

/** Values in PostgreSQL's text format: every value bound here is text or a number. */
function textValue(value: unknown): string | null {
  return value === null || value === undefined ? null : typeof value === "string" ? value : String(value);
}

type Parser = (text: string) => unknown;

export class Batch implements pg.Submittable {
  /** Each statement's rows (empty unless it asked for them), once the whole batch has run. */
  readonly results: Promise<Row[][]>;
  private resolve!: (rows: Row[][]) => void;
  private reject!: (error: Error) => void;
  private readonly done: Row[][] = [];
  private rows: Row[] = [];
  private columns: { name: string; parse: Parser }[] | undefined;
  private names: Map<string, "parsed" | "maybe"> | undefined;

  constructor(private readonly statements: readonly BatchStatement[]) {
    this.results = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  submit(connection: Connection): void {
    const names = preparedOn(connection);
    this.names = names;
    const messages: Buffer[] = [];
    for (const statement of this.statements) {
      const name = statement.name ?? "";
      const state = name ? names.get(name) : undefined;
      // Closing a statement that does not exist is no error, so a half-known one is made anew.
      if (state === "maybe") messages.push(serialize.close({ type: "S", name }));
      if (state !== "parsed") messages.push(serialize.parse({ name, text: statement.text }));
      if (name) names.set(name, "maybe");
      messages.push(serialize.bind({ statement: name, values: (statement.values ?? []).map(textValue) }));
      if (statement.rows) messages.push(serialize.describe({ type: "P", name: "" }));
      messages.push(serialize.execute({ portal: "" }));
    }
    messages.push(serialize.sync());
    connection.stream.write(Buffer.concat(messages));
  }

  handleRowDescription(message: RowDescriptionMessage): void {
    this.columns = message.fields.map((field) => ({ name: field.name, parse: pg.types.getTypeParser(field.dataTypeID, "text") as Parser }));
  }

  handleDataRow(message: DataRowMessage): void {
    const columns = this.columns;
    if (!columns) return;
    const row: Row = {};
    for (let i = 0; i < columns.length; i++) {
      const value = message.fields[i] as string | null;
      row[columns[i]!.name] = value === null ? null : columns[i]!.parse(value);
    }
    this.rows.push(row);
  }

  handleCommandComplete(): void {
    const statement = this.statements[this.done.length];
    if (statement?.name) this.names!.set(statement.name, "parsed");
    this.done.push(this.rows);
    this.rows = [];
    this.columns = undefined;
  }

  handleEmptyQuery(): void {
    this.handleCommandComplete();
  }

  handleError(error: Error): void {
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
