/**
 * Decoder for PostgreSQL's built-in `pgoutput` logical decoding plugin (protocol version 1), as
 * the streaming replication protocol carries it: one message per XLogData.
 * https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html
 */

export interface RelationColumn {
  name: string;
  typeOid: number;
  /** Part of the replica identity (the primary key by default, every column with `replica identity full`). */
  isKey: boolean;
}

export interface Relation {
  id: number;
  schema: string;
  name: string;
  columns: RelationColumn[];
}

/** A column value in PostgreSQL's text format; `undefined` is an unchanged TOASTed value the WAL left out. */
export type TupleValue = string | null | undefined;

export type PgOutputMessage =
  /** `xid`: the transaction's 32-bit id, which its changes are checked against (deliver.ts). */
  | { tag: "begin"; xid: number }
  /** `endLsn`: where the transaction's commit record ends, what a client confirms once it is done. */
  | { tag: "commit"; commitTime: Date; endLsn: bigint }
  | { tag: "relation"; relation: Relation }
  | { tag: "insert"; relationId: number; newTuple: TupleValue[] }
  | {
      tag: "update";
      relationId: number;
      oldTuple?: TupleValue[];
      oldIsKeyOnly: boolean;
      newTuple: TupleValue[];
    }
  | { tag: "delete"; relationId: number; oldTuple: TupleValue[]; oldIsKeyOnly: boolean }
  | { tag: "other" };

// PostgreSQL timestamps count microseconds from 2000-01-01.
const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1);

class Reader {
  offset = 0;
  constructor(private readonly data: Buffer) {}
  byte(): number {
    return this.data.readUInt8(this.offset++);
  }
  int16(): number {
    const value = this.data.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }
  int32(): number {
    const value = this.data.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }
  uint32(): number {
    const value = this.data.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }
  int64(): bigint {
    const value = this.data.readBigInt64BE(this.offset);
    this.offset += 8;
    return value;
  }
  timestamp(): Date {
    return new Date(POSTGRES_EPOCH_MS + Number(this.int64() / 1000n));
  }
  string(): string {
    const end = this.data.indexOf(0, this.offset);
    const value = this.data.toString("utf8", this.offset, end);
    this.offset = end + 1;
    return value;
  }
  bytes(length: number): Buffer {
    const value = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
  tuple(): TupleValue[] {
    const count = this.int16();
    const values: TupleValue[] = [];
    for (let i = 0; i < count; i++) {
      const kind = String.fromCharCode(this.byte());
      if (kind === "n") values.push(null);
      else if (kind === "u") values.push(undefined);
      else if (kind === "t") values.push(this.bytes(this.int32()).toString("utf8"));
      else throw new Error(`pgoutput: unexpected tuple value kind '${kind}'`);
    }
    return values;
  }
}

export function decodePgOutput(data: Buffer): PgOutputMessage {
  const reader = new Reader(data);
  const tag = String.fromCharCode(reader.byte());
  switch (tag) {
    case "B":
      // The commit message carries the final LSN and the time the changes are sent with.
      reader.int64(); // final LSN
      reader.int64(); // commit time
      return { tag: "begin", xid: reader.uint32() };
    case "C": {
      reader.byte(); // flags
      reader.int64(); // commit LSN
      const endLsn = reader.int64();
      return { tag: "commit", endLsn, commitTime: reader.timestamp() };
    }
    case "R": {
      const id = reader.uint32();
      const schema = reader.string();
      const name = reader.string();
      reader.byte(); // replica identity setting: the key flags of the columns say what the old tuple holds
      const count = reader.int16();
      const columns: RelationColumn[] = [];
      for (let i = 0; i < count; i++) {
        const isKey = (reader.byte() & 1) === 1;
        const columnName = reader.string();
        const typeOid = reader.uint32();
        reader.int32(); // type modifier
        columns.push({ name: columnName, typeOid, isKey });
      }
      return { tag: "relation", relation: { id, schema, name, columns } };
    }
    case "I": {
      const relationId = reader.uint32();
      reader.byte(); // 'N'
      return { tag: "insert", relationId, newTuple: reader.tuple() };
    }
    case "U": {
      const relationId = reader.uint32();
      const kind = String.fromCharCode(reader.byte());
      let oldTuple: TupleValue[] | undefined;
      if (kind === "K" || kind === "O") {
        oldTuple = reader.tuple();
        reader.byte(); // 'N'
      }
      const oldIsKeyOnly = kind === "K";
      return { tag: "update", relationId, oldTuple, oldIsKeyOnly, newTuple: reader.tuple() };
    }
    case "D": {
      const relationId = reader.uint32();
      const kind = String.fromCharCode(reader.byte());
      return { tag: "delete", relationId, oldIsKeyOnly: kind === "K", oldTuple: reader.tuple() };
    }
    default:
      // Truncate (Realtime sends nothing for it), Origin, Type and logical decoding messages carry
      // nothing Realtime delivers.
      return { tag: "other" };
  }
}
