import type pg from "pg";
import { describePgError } from "../../database/connection.ts";
import { ident, qualified } from "../../database/identifiers.ts";
import { subjectOf, transaction } from "../../database/session.ts";
import { identitySettings, type Identity } from "../identity.ts";
import type { CommittedChange, RowChange } from "./capture.ts";
import { loadTables, selectableColumns, tuplesToJson, type TableInfo } from "./catalog.ts";
import { matches } from "./filters.ts";
import type { Binding } from "./subscriptions.ts";

/** A joined channel with postgres_changes listeners, as delivery sees it. */
export interface ChangeSubscriber {
  identity: Identity;
  /** Stable per identity: subscribers that share it share one RLS check per batch. */
  identityKey: string;
  bindings: Binding[];
  /** `data` is the change's payload as JSON, serialized once for every subscriber that gets it. */
  send(ids: number[], data: string): void;
  /** Tells the subscriber, in a `system` message, why it is missing changes. */
  warn(message: string): void;
}

interface Prepared {
  change: RowChange;
  commitTimestamp: string;
  record?: Record<string, unknown>;
  oldRecord?: Record<string, unknown>;
  /** Subscriber → ids of its listeners that want this change. */
  recipients: Map<ChangeSubscriber, number[]>;
}

function bindingWants(binding: Binding, change: RowChange): boolean {
  return (
    (binding.schema === "*" || binding.schema === change.relation.schema) &&
    (binding.table === undefined || binding.table === change.relation.name) &&
    (binding.event === "*" || binding.event === change.type)
  );
}

function keyColumns(change: RowChange, record: Record<string, unknown>): Record<string, unknown> {
  const keys: Record<string, unknown> = {};
  for (const column of change.relation.columns) if (column.isKey && column.name in record) keys[column.name] = record[column.name];
  return keys;
}

function pick(record: Record<string, unknown>, allowed: (name: string) => boolean): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([name]) => allowed(name)));
}

/** The WAL records of each change as JSON: one conversion query per table for the whole batch. */
async function convertRecords(pool: pg.Pool, prepared: Prepared[]): Promise<void> {
  const byTable = new Map<number, Prepared[]>();
  for (const item of prepared) {
    const list = byTable.get(item.change.relation.id) ?? [];
    list.push(item);
    byTable.set(item.change.relation.id, list);
  }
  await Promise.all(
    [...byTable.values()].map(async (items) => {
      const tuples = items.flatMap(({ change }) => [change.type === "DELETE" ? [] : change.newTuple, change.type === "INSERT" ? [] : (change.oldTuple ?? [])]);
      const json = await tuplesToJson(pool, items[0]!.change.relation, tuples);
      items.forEach((item, i) => {
        const [record, old] = [json[2 * i]!, json[2 * i + 1]!];
        const { change } = item;
        if (change.type !== "DELETE") {
          // A TOASTed value the update left unchanged is only in the old tuple, if anywhere.
          for (const column of change.relation.columns) if (!(column.name in record) && column.name in old) record[column.name] = old[column.name];
          item.record = record;
        }
        if (change.type === "UPDATE") item.oldRecord = change.oldTuple && !change.oldIsKeyOnly ? old : keyColumns(change, change.oldTuple ? old : record);
        if (change.type === "DELETE") item.oldRecord = change.oldIsKeyOnly ? keyColumns(change, old) : old;
      });
    }),
  );
}

/** What the RLS check found for one identity: the rows it may SELECT, or why it could not be checked. */
type Verdict = Set<Prepared> | { failed: string };

/**
 * Which of `items` (INSERTs and UPDATEs of one RLS table) each identity may SELECT, checked in the
 * database as that user: each row is looked up by primary key under the user's policies. One
 * PL/pgSQL loop checks every identity, switching role and claims for each, as Supabase Realtime's
 * `apply_rls` does; a transaction per identity (a pooled connection and four round trips each) kept
 * delivery to 100 signed-in subscribers far over Realtime's 50 ms target (bench/realtime.ts). The
 * loop's query plan is cached across identities, and PostgreSQL replans it when the role changes,
 * so each role's policies still apply. A check that fails is caught for its identity alone.
 */
async function visibleRows(pool: pg.Pool, identities: Map<string, Identity>, table: TableInfo, relationName: string, items: Prepared[]): Promise<Map<string, Verdict>> {
  const keys = table.columns.filter((column) => column.isPkey);
  const match = keys.map((column, i) => `t.${ident(column.name)} = (k.v->>${i})::${column.sqlType}`).join(" and ");
  // The WAL's own text of each key value, so the cast back is exact (JSON numbers are not, past 2^53).
  const input = items.map(({ change }) =>
    keys.map((key) => (change.type === "DELETE" ? undefined : change.newTuple[change.relation.columns.findIndex((c) => c.name === key.name)]) ?? null),
  );
  const who = [...identities.values()].map((identity) => ({ role: identity.role, claims: JSON.stringify(identity.claims), sub: subjectOf(identity) }));
  // The table's name and key columns come from the catalog; the identities, whose claims a user
  // can partly choose, reach the loop only as the value of a setting, never as its code. Verdicts
  // go to an array, in the identities' order, because PL/pgSQL appends to one in place.
  const loop = `
    declare
      who jsonb;
      keys constant jsonb := current_setting('pitlane.rls_keys')::jsonb;
      verdicts jsonb[] := '{}';
      detail text;
      hint text;
    begin
      for who in select value from jsonb_array_elements(current_setting('pitlane.rls_identities')::jsonb) loop
        begin
          perform ${identitySettings("who->>'role'", "who->>'claims'", "who->>'sub'", "''")};
          verdicts := array_append(verdicts, (
            select coalesce(jsonb_agg(k.n), '[]') from jsonb_array_elements(keys) with ordinality as k(v, n)
             where exists (select 1 from ${relationName} t where ${match})));
        exception when others then
          get stacked diagnostics detail = pg_exception_detail, hint = pg_exception_hint;
          verdicts := array_append(verdicts, to_jsonb(concat_ws('; ', sqlerrm, 'detail: ' || nullif(detail, ''), 'hint: ' || nullif(hint, ''))));
        end;
      end loop;
      perform set_config('pitlane.rls_verdicts', to_jsonb(verdicts)::text, true);
    end`;
  const verdicts = await transaction(
    pool,
    async (client) => {
    // One round trip: the settings, the loop and its result as three statements of one query.
    const results = (await client.query(
      `select set_config('pitlane.rls_identities', ${client.escapeLiteral(JSON.stringify(who))}, true),
              set_config('pitlane.rls_keys', ${client.escapeLiteral(JSON.stringify(input))}, true);
       do ${client.escapeLiteral(loop)};
       select current_setting('pitlane.rls_verdicts')::jsonb as verdicts`,
    )) as unknown as pg.QueryResult<{ verdicts: (number[] | string)[] }>[];
    return results[2]!.rows[0]!.verdicts;
    },
    { end: "rollback" },
  );
  const identityKeys = [...identities.keys()];
  return new Map(verdicts.map((verdict, i) => [identityKeys[i]!, typeof verdict === "string" ? { failed: verdict } : new Set(verdict.map((n) => items[n - 1]!))]));
}

/**
 * Delivers one poll's changes. Everything a subscriber receives is sent here in commit order, and
 * the next poll waits for this to finish, so order holds across batches too. A subscriber that
 * cannot be checked is told (and sent nothing); the others are unaffected.
 */
export async function deliverChanges(pool: pg.Pool, subscribers: ChangeSubscriber[], changes: CommittedChange[]): Promise<void> {
  const prepared: Prepared[] = [];
  for (const { change, commitTime } of changes) {
    const recipients = new Map<ChangeSubscriber, number[]>();
    for (const subscriber of subscribers) {
      if (subscriber.bindings.some((binding) => bindingWants(binding, change))) recipients.set(subscriber, []);
    }
    if (recipients.size > 0) prepared.push({ change, commitTimestamp: commitTime.toISOString(), recipients });
  }
  if (prepared.length === 0) return;

  const relids = [...new Set(prepared.map((item) => item.change.relation.id))];
  const roles = [...new Set(prepared.flatMap((item) => [...item.recipients.keys()].map((s) => s.identity.role)))];
  const [tables, selectable] = await Promise.all([loadTables(pool, relids), selectableColumns(pool, roles, relids), convertRecords(pool, prepared)]);
  // Each table's primary key, looked up for every change and subscriber below.
  const primaryKeys = new Map([...tables].map(([relid, table]) => [relid, table.columns.filter((c) => c.isPkey)]));

  // Filters and privileges: who still wants each change, with which listener ids.
  const warned = new Set<string>();
  const warnOnce = (subscriber: ChangeSubscriber, key: string, message: string) => {
    if (warned.has(key)) return;
    warned.add(key);
    subscriber.warn(message);
  };
  for (const item of prepared) {
    const { change } = item;
    for (const subscriber of [...item.recipients.keys()]) {
      const columns = selectable.get(subscriber.identity.role)?.get(change.relation.id);
      const keyColumnsVisible = primaryKeys.get(change.relation.id)?.every((c) => columns?.has(c.name));
      if (!columns || columns.size === 0 || keyColumnsVisible === false) {
        item.recipients.delete(subscriber);
        if (subscriber.bindings.some((b) => b.table === change.relation.name && bindingWants(b, change))) {
          warnOnce(subscriber, `${subscriber.identityKey}:${change.relation.id}`, `Unauthorized: role "${subscriber.identity.role}" may not SELECT from ${change.relation.schema}.${change.relation.name}; its changes are not sent`);
        }
        continue;
      }
      const filtered = change.type === "DELETE" ? item.oldRecord! : item.record!;
      const ids = subscriber.bindings.filter((b) => bindingWants(b, change) && matches(b.conditions, filtered)).map((b) => b.id);
      if (ids.length === 0) item.recipients.delete(subscriber);
      else item.recipients.set(subscriber, ids);
    }
  }

  // Row level security: one check per table for the whole batch, every identity at once.
  const checks = new Map<number, { items: Prepared[]; identities: Map<string, Identity>; subscribers: Map<string, Set<ChangeSubscriber>> }>();
  for (const item of prepared) {
    const table = tables.get(item.change.relation.id);
    if (!table?.rls || item.change.type === "DELETE") continue;
    for (const subscriber of item.recipients.keys()) {
      let check = checks.get(table.relid);
      if (!check) checks.set(table.relid, (check = { items: [], identities: new Map(), subscribers: new Map() }));
      if (check.items.at(-1) !== item) check.items.push(item);
      check.identities.set(subscriber.identityKey, subscriber.identity);
      const sharing = check.subscribers.get(subscriber.identityKey);
      if (sharing) sharing.add(subscriber);
      else check.subscribers.set(subscriber.identityKey, new Set([subscriber]));
    }
  }
  const verdicts = new Map<string, Set<Prepared>>();
  await Promise.all(
    [...checks].map(async ([relid, check]) => {
      const table = tables.get(relid)!;
      const relation = check.items[0]!.change.relation;
      const refuse = (identityKey: string, message: string) => {
        for (const subscriber of check.subscribers.get(identityKey)!) warnOnce(subscriber, `${relid}:${identityKey}`, message);
      };
      const failed = (reason: string) => `Row level security check on ${relation.schema}.${relation.name} failed: ${reason}; its changes are not sent`;
      if (!table.columns.some((c) => c.isPkey)) {
        for (const identityKey of check.identities.keys()) refuse(identityKey, `Row level security on ${relation.schema}.${relation.name} cannot be checked without a primary key; its changes are not sent`);
        return;
      }
      let found: Map<string, Verdict>;
      try {
        found = await visibleRows(pool, check.identities, table, qualified(relation), check.items);
      } catch (error) {
        for (const identityKey of check.identities.keys()) refuse(identityKey, failed(describePgError(error)));
        return;
      }
      for (const [identityKey, verdict] of found) {
        if (verdict instanceof Set) verdicts.set(`${relid}:${identityKey}`, verdict);
        else refuse(identityKey, failed(verdict.failed));
      }
    }),
  );

  for (const item of prepared) {
    const { change } = item;
    const table = tables.get(change.relation.id)!;
    const payloads = new Map<string, string>();
    for (const [subscriber, ids] of item.recipients) {
      if (table.rls && change.type !== "DELETE" && !verdicts.get(`${change.relation.id}:${subscriber.identityKey}`)?.has(item)) continue;
      const role = subscriber.identity.role;
      let json = payloads.get(role);
      if (json === undefined) {
        const columns = selectable.get(role)!.get(change.relation.id)!;
        const data: Record<string, unknown> = { schema: change.relation.schema, table: change.relation.name, commit_timestamp: item.commitTimestamp, type: change.type };
        data.columns = table.columns.filter((c) => columns.has(c.name)).map((c) => ({ name: c.name, type: c.type }));
        if (item.record) data.record = pick(item.record, (name) => columns.has(name));
        // Under RLS a deleted row cannot be checked any more, so only its primary key is sent.
        const keyOnly = change.type === "DELETE" && table.rls;
        if (item.oldRecord) data.old_record = pick(item.oldRecord, (name) => columns.has(name) && (!keyOnly || primaryKeys.get(change.relation.id)!.some((c) => c.name === name)));
        data.errors = null;
        json = JSON.stringify(data);
        payloads.set(role, json);
      }
      subscriber.send(ids, json);
    }
  }
}
