/**
 * Delivery of row changes to postgres_changes subscribers, as a pipeline of named stages:
 *
 *   route      which subscribers' bindings want each change
 *   describe   the tables' catalog and each role's selectable columns (cached per Relation)
 *   authorize  column privileges: subscribers whose role may not read the table are dropped
 *   convert    the WAL records as JSON, one query per table
 *   filter     the bindings' filters: who still wants each change, with which ids
 *   checkRls   row level security, one check per table for every identity (realtime.visible_rows)
 *   encode     one payload per role, sent to each subscriber the checks let through
 *
 * Only filters need the records' JSON, so subscribers with a listener that has no filter are
 * RLS-checked while the records convert (one round trip to the database on the way, not two); the
 * others are checked once their filters passed.
 *
 * Everything a subscriber receives is sent in commit order, and the next batch waits for this to
 * finish, so order holds across batches too. A subscriber that cannot be checked is told (and sent
 * nothing); the others are unaffected.
 */
import { availableParallelism } from "node:os";
import type pg from "pg";
import { describePgError } from "../../database/connection.ts";
import { literal } from "../../database/identifiers.ts";
import type { Identity } from "../identity.ts";
import type { CommittedChange, RowChange } from "./capture.ts";
import type { Relation } from "./pgoutput.ts";
import {
  loadTables,
  selectableColumns,
  tuplesToJson,
  type ColumnInfo,
  type TableInfo,
} from "./catalog.ts";
import { matches } from "./filters.ts";
import type { Binding } from "./subscriptions.ts";

/** A joined channel with postgres_changes listeners, as delivery sees it. */
export interface ChangeSubscriber {
  identity: Identity;
  /** Stable per identity: subscribers that share it share one RLS check per batch. */
  identityKey: string;
  bindings: Binding[];
  /**
   * Subscribers with the same frameKey (role, serializer, topic and join ref) frame a change for the
   * same listener ids alike: such a frame is made once and sent to all of them.
   */
  frameKey: string;
  /**
   * The frame, as written to the socket, of a change whose payload JSON is `data`, for this
   * subscriber's listeners `ids`.
   */
  frame(ids: readonly number[], data: string): Buffer;
  /** Writes frames (one, or several back to back) to the subscriber's socket at once. */
  send(frames: Buffer): void;
  /** Tells the subscriber, in a `system` message, why it is missing changes. */
  warn(message: string): void;
}

/** One change on its way through the stages. */
interface Routed {
  change: RowChange;
  xid: number;
  commitTimestamp: string;
  record?: Record<string, unknown>;
  oldRecord?: Record<string, unknown>;
  /** Subscriber → ids of its listeners that want this change (known once filtered). */
  recipients: Map<ChangeSubscriber, readonly number[]>;
}

/** What `describe` learns about a batch: its tables and, per role, each table's selectable columns. */
interface Described {
  tables: Map<number, TableInfo>;
  selectable: Map<string, Map<number, Set<string>>>;
  /** Each table's primary key columns. */
  primaryKeys: Map<number, ColumnInfo[]>;
}

/** Warnings for one batch, each sent once per subscriber and reason. */
class Warnings {
  private readonly sent = new Set<string>();

  once(subscriber: ChangeSubscriber, key: string, message: string): void {
    if (this.sent.has(key)) return;
    this.sent.add(key);
    subscriber.warn(message);
  }
}

/**
 * The rows each identity may SELECT, by table and identityKey. Looked up once per change and
 * subscriber: a key made by joining the two would be a new string, hashed again, every time.
 */
type Verdicts = Map<number, Map<string, Set<Routed>>>;

/** Which recipients of a batch's changes an RLS check is about. */
type Selection = (item: Routed, subscriber: ChangeSubscriber) => boolean;

export async function deliverChanges(
  pool: pg.Pool,
  subscribers: ChangeSubscriber[],
  changes: CommittedChange[],
): Promise<void> {
  const routed = route(subscribers, changes);
  if (routed.length === 0) return;
  const warnings = new Warnings();
  const describing = describe(pool, routed);
  const unfiltered = describing.then((described) => {
    authorize(routed, described, warnings);
    return checkRls(pool, routed, hasUnfilteredListener, described, warnings);
  });
  const [described, early] = await Promise.all([
    describing,
    unfiltered,
    convertRecords(pool, routed),
  ]);
  filter(routed);
  const late = await checkRls(
    pool,
    routed,
    (item, subscriber) => !hasUnfilteredListener(item, subscriber),
    described,
    warnings,
  );
  encode(routed, described, mergeVerdicts(early, late));
}

function bindingWants(binding: Binding, change: RowChange): boolean {
  return (
    (binding.schema === "*" || binding.schema === change.relation.schema) &&
    (binding.table === undefined || binding.table === change.relation.name) &&
    (binding.event === "*" || binding.event === change.type)
  );
}

/*
 * The checks below run for every subscriber and change, so they are loops: a callback that closes
 * over the change is an object made per subscriber (bench/realtime.ts).
 */
function wantsChange(subscriber: ChangeSubscriber, change: RowChange): boolean {
  for (const binding of subscriber.bindings) if (bindingWants(binding, change)) return true;
  return false;
}

function hasUnfilteredListener({ change }: Routed, subscriber: ChangeSubscriber): boolean {
  for (const binding of subscriber.bindings)
    if (binding.conditions.length === 0 && bindingWants(binding, change)) return true;
  return false;
}

/** Ids known for no listener yet (filter sets them): one array shared by every recipient. */
const unfilteredIds: readonly number[] = [];

/** route: the changes some subscriber's bindings want, with those subscribers. */
function route(subscribers: ChangeSubscriber[], changes: CommittedChange[]): Routed[] {
  const routed: Routed[] = [];
  for (const { change, commitTime, xid } of changes) {
    const recipients = new Map<ChangeSubscriber, readonly number[]>();
    for (const subscriber of subscribers)
      if (wantsChange(subscriber, change)) recipients.set(subscriber, unfilteredIds);
    if (recipients.size > 0)
      routed.push({ change, xid, commitTimestamp: commitTime.toISOString(), recipients });
  }
  return routed;
}

function keyColumns(change: RowChange, record: Record<string, unknown>): Record<string, unknown> {
  const keys: Record<string, unknown> = {};
  for (const column of change.relation.columns)
    if (column.isKey && column.name in record) keys[column.name] = record[column.name];
  return keys;
}

/** The WAL records of each change as JSON: one conversion query per table for the whole batch. */
async function convertRecords(pool: pg.Pool, routed: Routed[]): Promise<void> {
  const byTable = new Map<number, Routed[]>();
  for (const item of routed) {
    const list = byTable.get(item.change.relation.id) ?? [];
    list.push(item);
    byTable.set(item.change.relation.id, list);
  }
  await Promise.all(
    [...byTable.values()].map(async (items) => {
      const tuples = items.flatMap(({ change }) => [
        change.type === "DELETE" ? [] : change.newTuple,
        change.type === "INSERT" ? [] : (change.oldTuple ?? []),
      ]);
      const json = await tuplesToJson(pool, items[0]!.change.relation, tuples);
      items.forEach((item, i) => {
        const [record, old] = [json[2 * i]!, json[2 * i + 1]!];
        const { change } = item;
        if (change.type !== "DELETE") {
          // A TOASTed value the update left unchanged is only in the old tuple, if anywhere.
          for (const column of change.relation.columns)
            if (!(column.name in record) && column.name in old)
              record[column.name] = old[column.name];
          item.record = record;
        }
        if (change.type === "UPDATE")
          item.oldRecord =
            change.oldTuple && !change.oldIsKeyOnly
              ? old
              : keyColumns(change, change.oldTuple ? old : record);
        if (change.type === "DELETE")
          item.oldRecord = change.oldIsKeyOnly ? keyColumns(change, old) : old;
      });
    }),
  );
}

/*
 * A table's columns, key, RLS flag and each role's selectable columns, kept per Relation message:
 * pgoutput describes a table again (a new Relation) before its next change whenever the table's
 * definition, privileges or policies changed, so what is cached is never older than the change it
 * is used for, and a batch asks the catalog only about tables it has not seen described yet.
 */
const tableCache = new WeakMap<Relation, TableInfo>();
const selectableCache = new WeakMap<Relation, Map<string, Set<string>>>();

async function cachedTables(pool: pg.Pool, relations: Relation[]): Promise<Map<number, TableInfo>> {
  const missing = relations.filter((relation) => !tableCache.has(relation));
  if (missing.length > 0) {
    const loaded = await loadTables(
      pool,
      missing.map((relation) => relation.id),
    );
    for (const relation of missing) {
      const table = loaded.get(relation.id);
      if (table) tableCache.set(relation, table);
    }
  }
  const tables = new Map<number, TableInfo>();
  for (const relation of relations) {
    const table = tableCache.get(relation);
    if (table) tables.set(relation.id, table);
  }
  return tables;
}

async function cachedSelectable(
  pool: pg.Pool,
  roles: string[],
  relations: Relation[],
): Promise<Map<string, Map<number, Set<string>>>> {
  const missing = relations.filter((relation) => {
    const byRole = selectableCache.get(relation);
    return !byRole || roles.some((role) => !byRole.has(role));
  });
  if (missing.length > 0) {
    const loaded = await selectableColumns(
      pool,
      roles,
      missing.map((relation) => relation.id),
    );
    for (const relation of missing) {
      let byRole = selectableCache.get(relation);
      if (!byRole) selectableCache.set(relation, (byRole = new Map()));
      for (const role of roles) byRole.set(role, loaded.get(role)?.get(relation.id) ?? new Set());
    }
  }
  const selectable = new Map<string, Map<number, Set<string>>>(
    roles.map((role) => [role, new Map()]),
  );
  for (const relation of relations) {
    for (const role of roles) {
      const columns = selectableCache.get(relation)!.get(role)!;
      if (columns.size > 0) selectable.get(role)!.set(relation.id, columns);
    }
  }
  return selectable;
}

/** describe: the batch's tables and privileges, cached per Relation. */
async function describe(pool: pg.Pool, routed: Routed[]): Promise<Described> {
  const relations = [
    ...new Map(routed.map((item) => [item.change.relation.id, item.change.relation])).values(),
  ];
  const roleSet = new Set<string>();
  for (const item of routed)
    item.recipients.forEach((_, subscriber) => roleSet.add(subscriber.identity.role));
  const roles = [...roleSet];
  const [tables, selectable] = await Promise.all([
    cachedTables(pool, relations),
    cachedSelectable(pool, roles, relations),
  ]);
  const primaryKeys = new Map(
    [...tables].map(([relid, table]) => [relid, table.columns.filter((c) => c.isPkey)]),
  );
  return { tables, selectable, primaryKeys };
}

/** authorize: a subscriber whose role may not SELECT the table (or its primary key) is dropped and told. */
function authorize(
  routed: Routed[],
  { selectable, primaryKeys }: Described,
  warnings: Warnings,
): void {
  for (const item of routed) {
    const { change } = item;
    const keyColumns = primaryKeys.get(change.relation.id);
    const allowedByRole = new Map<string, boolean>();
    // Deleting the entry being visited is safe in a Map's forEach: no copy of 500 recipients, and
    // (unlike a for…of) no iterator result made for each.
    item.recipients.forEach((_, subscriber) => {
      const { role } = subscriber.identity;
      let allowed = allowedByRole.get(role);
      if (allowed === undefined) {
        const columns = selectable.get(role)?.get(change.relation.id);
        allowed =
          columns !== undefined &&
          columns.size > 0 &&
          (keyColumns?.every((c) => columns.has(c.name)) ?? true);
        allowedByRole.set(role, allowed);
      }
      if (!allowed) {
        item.recipients.delete(subscriber);
        if (
          subscriber.bindings.some(
            (b) => b.table === change.relation.name && bindingWants(b, change),
          )
        ) {
          warnings.once(
            subscriber,
            `${subscriber.identityKey}:${change.relation.id}`,
            `Unauthorized: role "${subscriber.identity.role}" may not SELECT from ${change.relation.schema}.${change.relation.name}; its changes are not sent`,
          );
        }
      }
    });
  }
}

/** filter: each subscriber keeps the ids of its listeners whose filters the change passes. */
function filter(routed: Routed[]): void {
  for (const item of routed) {
    const { change } = item;
    const filtered = change.type === "DELETE" ? item.oldRecord! : item.record!;
    // forEach: no [key, value] pair made per entry; setting or deleting the visited key is safe.
    item.recipients.forEach((_, subscriber) => {
      let ids: number[] | undefined;
      for (const binding of subscriber.bindings) {
        if (!bindingWants(binding, change) || !matches(binding.conditions, filtered)) continue;
        // Made to size: an empty array grown by a push reserves room for 16 ids.
        if (ids) ids.push(binding.id);
        else ids = [binding.id];
      }
      if (ids) item.recipients.set(subscriber, ids);
      else item.recipients.delete(subscriber);
    });
  }
}

/**
 * A statement that returns once every transaction in `xids` (32-bit, as pgoutput sends them) is
 * visible to new snapshots. The walsender sends a commit once its WAL is flushed, which is before
 * the transaction leaves the proc array, so a check run at once could still see it in progress and
 * find none of its rows. Each xid is widened with the epoch of the snapshot's xmax: a committed
 * transaction is less than 2^31 transactions older than it. Each loop takes a new snapshot (READ
 * COMMITTED); the wait is microseconds, and a transaction still invisible after seconds is an error.
 */
function waitVisible(xids: number[]): string {
  return `do $wait$
    declare
      xids constant bigint[] := '{${xids.join(",")}}';
      deadline constant timestamptz := pg_catalog.clock_timestamp() + interval '5 seconds';
    begin
      loop
        exit when (select pg_catalog.bool_and(pg_catalog.pg_visible_in_snapshot(
                            (n.next - ((n.next - x) % 4294967296 + 4294967296) % 4294967296)::text::pg_catalog.xid8, c.s))
                     from (select pg_catalog.pg_current_snapshot() as s) as c
                     cross join lateral (select pg_catalog.pg_snapshot_xmax(c.s)::text::bigint as next) as n
                     cross join pg_catalog.unnest(xids) as x);
        if pg_catalog.clock_timestamp() > deadline then
          raise exception 'transactions % committed but are still not visible', xids;
        end if;
        perform pg_catalog.pg_sleep(0.001);
      end loop;
    end
    $wait$;`;
}

/** What the RLS check found for one identity: the rows it may SELECT, or why it could not be checked. */
type Verdict = Set<Routed> | { failed: string };

/**
 * Each identity's claims as realtime.visible_rows takes them (JSON, which holds no raw line break, so
 * one a line), made once: a subscriber keeps its identity until its token changes, and remaking it
 * for every change was a quarter of the memory a change took to deliver to 500 subscribers.
 */
const callerClaims = new WeakMap<Identity, string>();

function claimsLine(identity: Identity): string {
  let line = callerClaims.get(identity);
  if (line === undefined) {
    line = JSON.stringify(identity.claims);
    callerClaims.set(identity, line);
  }
  return line;
}

/**
 * Which of `items` (INSERTs and UPDATEs of one RLS table) each identity may SELECT, checked in the
 * database as that user by realtime.visible_rows (platform SQL), in a transaction rolled back.
 */
async function visibleRows(
  pool: pg.Pool,
  identities: Map<string, Identity>,
  primaryKey: ColumnInfo[],
  items: Routed[],
): Promise<Map<string, Verdict>> {
  // The WAL's own text of each key value, so the cast back is exact (JSON numbers are not, past 2^53).
  const keys = items.map(({ change }) =>
    primaryKey.map(
      (key) =>
        (change.type === "DELETE"
          ? undefined
          : change.newTuple[change.relation.columns.findIndex((c) => c.name === key.name)]) ?? null,
    ),
  );
  const callers = [...identities.values()].map(claimsLine).join("\n");
  // One round trip: the wait, the check and the rollback that undoes its role switches go in one
  // message.
  const client = await pool.connect();
  let verdicts: (number[] | string)[];
  let broken: Error | undefined;
  try {
    const results = (await client.query(
      `begin; ${waitVisible([...new Set(items.map((item) => item.xid))])} select realtime.visible_rows(${items[0]!.change.relation.id}, ${literal(JSON.stringify(keys))}, ${literal(callers)}) as verdicts; rollback`,
    )) as unknown as pg.QueryResult<{ verdicts: (number[] | string)[] }>[];
    verdicts = results[2]!.rows[0]!.verdicts;
  } catch (error) {
    // A failed statement leaves the rest of the message unrun and the transaction open.
    await client.query("rollback").catch((lost: unknown) => (broken = lost as Error));
    throw error;
  } finally {
    client.release(broken);
  }
  const identityKeys = [...identities.keys()];
  return new Map(
    verdicts.map((verdict, i) => [
      identityKeys[i]!,
      typeof verdict === "string"
        ? { failed: verdict }
        : new Set(verdict.map((n) => items[n - 1]!)),
    ]),
  );
}

/**
 * Identities per RLS check below which it is not split: each part is a round trip of its own, worth
 * it only when the check's own work is larger.
 */
const identitiesPerPart = 100;

/**
 * visibleRows for many identities, split into parts checked at once on separate connections, up to
 * one per core: PostgreSQL runs each on one core, and the check is most of a batch's time with
 * hundreds of subscribers. Identities are checked grouped by role: under RLS, PostgreSQL plans the
 * check's query again whenever the role changes.
 */
async function visibleRowsInParts(
  pool: pg.Pool,
  identities: Map<string, Identity>,
  primaryKey: ColumnInfo[],
  items: Routed[],
): Promise<Map<string, Verdict>> {
  const entries = [...identities].sort(([, a], [, b]) => a.role.localeCompare(b.role));
  const parts = Math.min(availableParallelism(), Math.ceil(entries.length / identitiesPerPart));
  if (parts <= 1) return visibleRows(pool, new Map(entries), primaryKey, items);
  const size = Math.ceil(entries.length / parts);
  const found = await Promise.all(
    Array.from({ length: parts }, (_, part) =>
      visibleRows(pool, new Map(entries.slice(part * size, (part + 1) * size)), primaryKey, items),
    ),
  );
  return new Map(found.flatMap((verdicts) => [...verdicts]));
}

/**
 * The rows each identity may SELECT by either of two checks of one batch. Usually one of them
 * checked nothing (every listener filtered, or none), and the other is the answer as it is.
 */
function mergeVerdicts(first: Verdicts, second: Verdicts): Verdicts {
  if (second.size === 0) return first;
  if (first.size === 0) return second;
  const merged: Verdicts = new Map(
    [...first].map(([relid, byIdentity]) => [relid, new Map(byIdentity)]),
  );
  for (const [relid, byIdentity] of second) {
    const into = tableVerdicts(merged, relid);
    for (const [key, rows] of byIdentity)
      into.set(key, new Set([...(into.get(key) ?? []), ...rows]));
  }
  return merged;
}

/** One table's verdicts by identity, made empty on first use. */
function tableVerdicts(verdicts: Verdicts, relid: number): Map<string, Set<Routed>> {
  let byIdentity = verdicts.get(relid);
  if (!byIdentity) verdicts.set(relid, (byIdentity = new Map()));
  return byIdentity;
}

/**
 * checkRls: row level security for `recipients`, one check per table for the whole batch, every
 * identity at once.
 */
async function checkRls(
  pool: pg.Pool,
  routed: Routed[],
  select: Selection,
  { tables, primaryKeys }: Described,
  warnings: Warnings,
): Promise<Verdicts> {
  const checks = new Map<
    number,
    { items: Routed[]; identities: Map<string, Identity>; subscribers: ChangeSubscriber[] }
  >();
  for (const item of routed) {
    const table = tables.get(item.change.relation.id);
    if (!table?.rls || item.change.type === "DELETE") continue;
    item.recipients.forEach((_, subscriber) => {
      if (!select(item, subscriber)) return;
      let check = checks.get(table.relid);
      if (!check)
        checks.set(table.relid, (check = { items: [], identities: new Map(), subscribers: [] }));
      if (check.items.at(-1) !== item) check.items.push(item);
      check.identities.set(subscriber.identityKey, subscriber.identity);
      check.subscribers.push(subscriber);
    });
  }
  const verdicts: Verdicts = new Map();
  await Promise.all(
    [...checks].map(async ([relid, check]) => {
      const relation = check.items[0]!.change.relation;
      // Who shares an identity is sorted out only when one is refused: a set per identity for every
      // batch was memory spent for the rare failure.
      let sharing: Map<string, ChangeSubscriber[]> | undefined;
      const refuse = (identityKey: string, message: string) => {
        if (!sharing) {
          sharing = new Map();
          for (const subscriber of check.subscribers) {
            const alike = sharing.get(subscriber.identityKey);
            if (alike) alike.push(subscriber);
            else sharing.set(subscriber.identityKey, [subscriber]);
          }
        }
        for (const subscriber of sharing.get(identityKey)!)
          warnings.once(subscriber, `${relid}:${identityKey}`, message);
      };
      const failed = (reason: string) =>
        `Row level security check on ${relation.schema}.${relation.name} failed: ${reason}; its changes are not sent`;
      const primaryKey = primaryKeys.get(relid)!;
      if (primaryKey.length === 0) {
        for (const identityKey of check.identities.keys())
          refuse(
            identityKey,
            `Row level security on ${relation.schema}.${relation.name} cannot be checked without a primary key; its changes are not sent`,
          );
        return;
      }
      let found: Map<string, Verdict>;
      try {
        found = await visibleRowsInParts(pool, check.identities, primaryKey, check.items);
      } catch (error) {
        for (const identityKey of check.identities.keys())
          refuse(identityKey, failed(describePgError(error)));
        return;
      }
      for (const [identityKey, verdict] of found) {
        if (verdict instanceof Set) tableVerdicts(verdicts, relid).set(identityKey, verdict);
        else refuse(identityKey, failed(verdict.failed));
      }
    }),
  );
  return verdicts;
}

function pick(
  record: Record<string, unknown>,
  allowed: (name: string) => boolean,
): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([name]) => allowed(name)));
}

/**
 * encode: each change's payload, once per role, framed once per frame key (role, serializer, topic
 * and join ref) and listener ids (a hash of their parameters: one frame for every subscriber that
 * listens alike), to every subscriber the checks let through. Encoding a frame per subscriber was
 * most of a change's CPU time with 500 subscribers, in the strings made and collected
 * (bench/realtime.ts).
 */
function encode(
  routed: Routed[],
  { tables, selectable, primaryKeys }: Described,
  verdicts: Verdicts,
): void {
  // Each subscriber's frames of a batch leave in one write to its socket, in commit order.
  const outbox = new Map<ChangeSubscriber, Buffer | Buffer[]>();
  const post =
    routed.length === 1
      ? (subscriber: ChangeSubscriber, frame: Buffer) => subscriber.send(frame)
      : (subscriber: ChangeSubscriber, frame: Buffer) => {
          const held = outbox.get(subscriber);
          if (held === undefined) outbox.set(subscriber, frame);
          else if (Array.isArray(held)) held.push(frame);
          else outbox.set(subscriber, [held, frame]);
        };
  for (const item of routed) {
    const { change } = item;
    const table = tables.get(change.relation.id)!;
    const payloads = new Map<string, string>();
    // Frames by frame key, then by listener ids (the id itself when there is one, as most have): no
    // key string made and hashed per subscriber.
    const frames = new Map<string, Map<number | string, Buffer>>();
    const visible = table.rls && change.type !== "DELETE" ? verdicts.get(change.relation.id) : null;
    item.recipients.forEach((ids, subscriber) => {
      if (visible !== null && !visible?.get(subscriber.identityKey)?.has(item)) return;
      let byIds = frames.get(subscriber.frameKey);
      if (!byIds) frames.set(subscriber.frameKey, (byIds = new Map()));
      const idsKey = ids.length === 1 ? ids[0]! : ids.join();
      const frame = byIds.get(idsKey);
      if (frame) {
        post(subscriber, frame);
        return;
      }
      const role = subscriber.identity.role;
      let json = payloads.get(role);
      if (json === undefined) {
        const columns = selectable.get(role)!.get(change.relation.id)!;
        const data: Record<string, unknown> = {
          schema: change.relation.schema,
          table: change.relation.name,
          commit_timestamp: item.commitTimestamp,
          type: change.type,
        };
        data.columns = table.columns
          .filter((c) => columns.has(c.name))
          .map((c) => ({ name: c.name, type: c.type }));
        if (item.record) data.record = pick(item.record, (name) => columns.has(name));
        // Under RLS a deleted row cannot be checked any more, so only its primary key is sent.
        const keyOnly = change.type === "DELETE" && table.rls;
        if (item.oldRecord)
          data.old_record = pick(
            item.oldRecord,
            (name) =>
              columns.has(name) &&
              (!keyOnly || primaryKeys.get(change.relation.id)!.some((c) => c.name === name)),
          );
        data.errors = null;
        json = JSON.stringify(data);
        payloads.set(role, json);
      }
      const framed = subscriber.frame(ids, json);
      byIds.set(idsKey, framed);
      post(subscriber, framed);
    });
  }
  outbox.forEach((frames, subscriber) =>
    subscriber.send(Array.isArray(frames) ? Buffer.concat(frames) : frames),
  );
}
