/**
 * "Why was it allowed?": for an operation on a table as a caller, which row-level security
 * policies applied (command and roles match), and what each one's expression said.
 *
 * The operation itself is run first as the caller, exactly as REST would, for the outcome (rows
 * seen or touched, or the error). Then each policy's USING expression is counted over the same
 * rows, and each WITH CHECK evaluated on the new row, still as the caller with the same claims,
 * with row-level security on this one table turned off inside the transaction: so an expression is
 * judged alone, while the tables its subqueries read keep their own policies, as they do when
 * PostgreSQL applies it. A logged REST request is judged the same way on the rows it addressed and
 * the write it planned, replayed here (its outcome is already known, so nothing else is run).
 * Everything is rolled back. Turning RLS off takes the table's lock for the moment the
 * transaction lasts, bounded by lock_timeout: fine for a local console.
 */
import type pg from "pg";
import type { Caller } from "../database/session.ts";
import { ident, qualified } from "../database/identifiers.ts";
import { actAsCaller, runAs } from "./acting.ts";

export type Operation = "select" | "insert" | "update" | "delete";

export interface Relation {
  schema: string;
  name: string;
}

/** A condition on the table's rows, its parameters numbered from $1. */
export interface Condition {
  sql: string;
  params: unknown[];
}

export interface PolicyVerdict {
  name: string;
  kind: "permissive" | "restrictive";
  command: string;
  roles: string[];
  using: string | null;
  withCheck: string | null;
  /** Whether it takes part: its command covers the operation and its roles include the caller's. */
  applies: boolean;
  /** Why it takes part or not, in words. */
  reason: string;
  /** USING: rows it admits among the rows in question. */
  admits?: number;
  of?: number;
  /** WITH CHECK (or USING standing in for it) on the new row. */
  checkPassed?: boolean;
  error?: string;
}

export interface Explanation {
  relation: string;
  operation: Operation;
  role: string;
  sub: string | null;
  rls: { enabled: boolean; forced: boolean };
  /** Set when RLS does not apply to the caller at all. */
  bypass: string | null;
  privilege: boolean;
  outcome: { allowed: boolean; rows: number | null; error: string | null; summary: string };
  policies: PolicyVerdict[];
}

const commandLetters: Record<Operation, string> = {
  select: "r",
  insert: "a",
  update: "w",
  delete: "d",
};

/**
 * `change` builds the statement the operation runs (for insert and update: its new values; for
 * update and delete: which rows), as `statement(table)` with parameters; `rows` narrows a select
 * (filters) or names the rows of an update or delete.
 */
export async function explain(
  db: pg.Pool,
  caller: Caller | undefined,
  relation: Relation,
  operation: Operation,
  options: {
    rows?: Condition;
    change?: Condition;
    /** The whole insert or update as planned elsewhere (a logged REST request), in place of `change`. */
    write?: Condition & { alias: string };
    /**
     * The outcome when it is already known (a logged request): nothing is attempted. `byPolicy`:
     * a write refused by row-level security, so the verdicts name the check that failed.
     */
    known?: { allowed: boolean; summary: string; byPolicy?: boolean };
  } = {},
): Promise<Explanation> {
  const table = qualified(relation);
  const role = caller?.role ?? "postgres";
  const facts = (
    await db.query(
      `select c.relrowsecurity as enabled, c.relforcerowsecurity as forced,
              pg_get_userbyid(c.relowner) as owner, r.rolsuper as superuser, r.rolbypassrls as bypassrls,
              has_table_privilege($2, c.oid, $3) as privilege
         from pg_class c, pg_roles r
        where c.oid = $1::regclass and r.rolname = $2`,
      [table, role, operation],
    )
  ).rows[0];
  const policies = (
    await db.query(
      `select polname as name, polpermissive as permissive, polcmd as command,
              array(select case when r = 0 then 'public' else pg_get_userbyid(r)::text end
                      from unnest(polroles) r) as roles,
              polroles = '{0}' or exists (select from unnest(polroles) r where r <> 0 and pg_has_role($2, r, 'member')) as role_matches,
              pg_get_expr(polqual, polrelid) as using, pg_get_expr(polwithcheck, polrelid) as with_check
         from pg_policy where polrelid = $1::regclass order by polname`,
      [table, role],
    )
  ).rows as {
    name: string;
    permissive: boolean;
    command: string;
    roles: string[];
    role_matches: boolean;
    using: string | null;
    with_check: string | null;
  }[];

  const bypass = facts.superuser
    ? `${role} is a superuser: row-level security does not apply`
    : facts.bypassrls
      ? `${role} has BYPASSRLS: row-level security does not apply`
      : !facts.enabled
        ? `row-level security is off on ${table}: the grants alone decide`
        : facts.owner === role && !facts.forced
          ? `${role} owns ${table} and RLS is not forced`
          : null;

  const rows = options.rows ?? { sql: "true", params: [] };
  const verdicts: PolicyVerdict[] = policies.map((policy) => {
    const command =
      Object.entries(commandLetters).find(([, letter]) => letter === policy.command)?.[0] ?? "all";
    // An UPDATE or DELETE also needs SELECT policies to read the rows its WHERE names.
    const commandCovers =
      command === "all" ||
      command === operation ||
      (command === "select" && (operation === "update" || operation === "delete"));
    const applies = commandCovers && policy.role_matches;
    return {
      name: policy.name,
      kind: policy.permissive ? "permissive" : "restrictive",
      command,
      roles: policy.roles,
      using: policy.using,
      withCheck: policy.with_check,
      applies,
      reason: !commandCovers
        ? `for ${command.toUpperCase()}, not ${operation.toUpperCase()}`
        : !policy.role_matches
          ? `for ${policy.roles.join(", ")}, not ${role}`
          : command === "select" && operation !== "select"
            ? `a SELECT policy: the ${operation.toUpperCase()} reads the rows it names through it`
            : `covers ${operation.toUpperCase()} for ${role}`,
    };
  });

  return runAs(
    db,
    caller,
    async (client) => {
      await client.query("set local lock_timeout = '3s'");
      const outcome = options.known
        ? { ...options.known, rows: null, error: null }
        : await attempt(client, table, operation, rows, options.change, options.write);
      if (!facts.privilege) {
        outcome.allowed = false;
        outcome.summary = `${role} has no ${operation.toUpperCase()} privilege on ${table}: refused before any policy`;
      }
      if (bypass === null && facts.privilege) {
        // Each expression alone: RLS off for this table only, still as the caller.
        await client.query("select set_config('role', 'postgres', true)");
        await client.query(`alter table ${table} disable row level security`);
        await actAsCaller(client, caller);
        for (const verdict of verdicts.filter((one) => one.applies)) {
          await judge(
            client,
            table,
            relation,
            operation,
            verdict,
            rows,
            options.change,
            options.write,
          );
        }
        const byPolicy = outcome.error
          ? /row-level security/.test(outcome.error)
          : options.known?.byPolicy === true;
        if (!outcome.allowed && byPolicy) outcome.summary = refusalSummary(verdicts, operation);
      }
      return {
        relation: table,
        operation,
        role,
        sub: typeof caller?.claims.sub === "string" ? caller.claims.sub : null,
        rls: { enabled: facts.enabled, forced: facts.forced },
        bypass,
        privilege: facts.privilege,
        outcome,
        policies: verdicts,
      };
    },
    { end: "rollback" },
  );
}

async function inSavepoint<T>(client: pg.ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query("savepoint studio_explain");
  try {
    return await work();
  } finally {
    await client.query("rollback to savepoint studio_explain");
  }
}

function statementFor(
  table: string,
  operation: Operation,
  rows: Condition,
  change: Condition | undefined,
  write: (Condition & { alias: string }) | undefined,
): Condition {
  if (write && (operation === "insert" || operation === "update")) return write;
  if (operation === "select")
    return {
      sql: `select count(*)::int as n from ${table} where ${rows.sql}`,
      params: rows.params,
    };
  if (operation === "delete")
    return { sql: `delete from ${table} where ${rows.sql}`, params: rows.params };
  if (!change) throw new Error(`${operation} needs its new values`);
  if (operation === "insert") return change;
  // update: the SET part's parameters come first, the WHERE's are renumbered after them.
  const shift = change.params.length;
  return {
    sql: `update ${table} set ${change.sql} where ${rows.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + shift}`)}`,
    params: [...change.params, ...rows.params],
  };
}

async function attempt(
  client: pg.ClientBase,
  table: string,
  operation: Operation,
  rows: Condition,
  change: Condition | undefined,
  write: (Condition & { alias: string }) | undefined,
): Promise<Explanation["outcome"]> {
  const statement = statementFor(table, operation, rows, change, write);
  try {
    const result = await inSavepoint(client, () => client.query(statement.sql, statement.params));
    const count = operation === "select" ? (result.rows[0].n as number) : (result.rowCount ?? 0);
    const allowed = operation === "insert" || count > 0;
    return {
      allowed,
      rows: count,
      error: null,
      summary:
        operation === "select"
          ? `${count} row${count === 1 ? "" : "s"} visible`
          : allowed
            ? `${operation.toUpperCase()} allowed: ${count} row${count === 1 ? "" : "s"}`
            : `${operation.toUpperCase()} touched no row: none of the rows it names is visible to the caller`,
    };
  } catch (error) {
    return {
      allowed: false,
      rows: null,
      error: (error as Error).message,
      summary: `refused: ${(error as Error).message}`,
    };
  }
}

async function judge(
  client: pg.ClientBase,
  table: string,
  relation: Relation,
  operation: Operation,
  verdict: PolicyVerdict,
  rows: Condition,
  change: Condition | undefined,
  write: (Condition & { alias: string }) | undefined,
): Promise<void> {
  try {
    if (verdict.using !== null && operation !== "insert") {
      const { admits, total } = (
        await inSavepoint(client, () =>
          client.query(
            `select (count(*) filter (where ${verdict.using}))::int as admits, count(*)::int as total
               from ${table} where ${rows.sql}`,
            rows.params,
          ),
        )
      ).rows[0];
      verdict.admits = admits;
      verdict.of = total;
    }
    const check =
      verdict.command === "select"
        ? null
        : (verdict.withCheck ?? (operation === "update" ? verdict.using : null));
    if (check !== null && (change || write) && (operation === "insert" || operation === "update")) {
      const statement = statementFor(table, operation, rows, change, write);
      const result = await inSavepoint(client, () =>
        client.query(
          `with candidate as (${statement.sql} returning ${write ? `${ident(write.alias)}.*` : "*"})
           select bool_and(coalesce((${check}), false)) as ok from candidate as ${ident(relation.name)}`,
          statement.params,
        ),
      );
      verdict.checkPassed = result.rows[0].ok ?? true;
    }
  } catch (error) {
    verdict.error = (error as Error).message;
  }
}

/** Which check refused a write, from the policies' verdicts. */
function refusalSummary(verdicts: PolicyVerdict[], operation: Operation): string {
  const applying = verdicts.filter((one) => one.applies && one.command !== "select");
  const restrictive = applying.filter(
    (one) => one.kind === "restrictive" && one.checkPassed === false,
  );
  if (restrictive.length > 0)
    return `refused by the restrictive polic${restrictive.length === 1 ? "y" : "ies"} ${restrictive.map((one) => one.name).join(", ")}: WITH CHECK is false for the new row`;
  const permissive = applying.filter((one) => one.kind === "permissive");
  if (permissive.length === 0)
    return `refused: no permissive policy covers ${operation.toUpperCase()} for this role`;
  const failed = permissive.find((one) => one.error);
  if (failed) return `refused: ${failed.name} could not be judged on the new row (${failed.error})`;
  return `refused: no permissive policy's WITH CHECK admits the new row (${permissive.map((one) => one.name).join(", ")}: false)`;
}
