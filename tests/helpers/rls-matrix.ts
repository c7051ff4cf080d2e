// The RLS matrix a domain's tests declare: for each table, which roles may select, insert, update
// and delete one chosen row, tried as each role the way PostgREST runs a request. A role that may
// not is refused (42501) or sees and touches nothing.
import { describe, expect, it } from "vitest";
import type { Claims, Db } from "./db.ts";

/** What a statement did: the rows it touched, or the SQLSTATE it failed with. */
export type Attempt = { rows: number } | { code: string };

/** `statement` run as `claims` and rolled back. */
export async function attemptAs(db: Db, claims: Claims, statement: string): Promise<Attempt> {
  try {
    const result = await db.asRole(claims, (client) => client.query(statement));
    return { rows: result.rowCount ?? 0 };
  } catch (error) {
    return { code: (error as { code: string }).code };
  }
}

/** One table's row of the matrix; each `allowed` lists the roles that may, separated by spaces. */
export interface TableMatrix<Role extends string> {
  /** The suite's name when a table has several rows (one per kind of row); the table by default. */
  name?: string;
  table: string;
  /** A condition that picks exactly one row. */
  target: () => string;
  select: string;
  insert: { sql: (role: Role) => string; allowed: string };
  update: { set: string; allowed: string };
  delete: string;
}

export const isAllowed = (allowed: string, role: string) => allowed.split(" ").includes(role);
export const refusedOrEmpty = (result: Attempt) =>
  ("rows" in result && result.rows === 0) || ("code" in result && result.code === "42501");

/** A suite per table, a test per role and action, each both ways: allowed or refused. */
export function describeRlsMatrix<Role extends string>(
  specs: TableMatrix<Role>[],
  roles: readonly Role[],
  attempt: (role: Role, statement: string) => Promise<Attempt>,
): void {
  for (const spec of specs) {
    describe(`RLS: ${spec.name ?? spec.table}`, () => {
      for (const role of roles) {
        it(`${role} ${isAllowed(spec.select, role) ? "reads" : "cannot read"}`, async () => {
          const result = await attempt(
            role,
            `select 1 from public.${spec.table} where ${spec.target()}`,
          );
          if (isAllowed(spec.select, role)) expect(result).toEqual({ rows: 1 });
          else expect(result).toSatisfy(refusedOrEmpty);
        });

        it(`${role} ${isAllowed(spec.insert.allowed, role) ? "inserts" : "cannot insert"}`, async () => {
          const result = await attempt(role, spec.insert.sql(role));
          if (isAllowed(spec.insert.allowed, role)) expect(result).toEqual({ rows: 1 });
          else expect(result).toMatchObject({ code: "42501" });
        });

        it(`${role} ${isAllowed(spec.update.allowed, role) ? "updates" : "cannot update"}`, async () => {
          const result = await attempt(
            role,
            `update public.${spec.table} set ${spec.update.set} where ${spec.target()}`,
          );
          if (isAllowed(spec.update.allowed, role)) expect(result).toEqual({ rows: 1 });
          else expect(result).toSatisfy(refusedOrEmpty);
        });

        it(`${role} ${isAllowed(spec.delete, role) ? "deletes" : "cannot delete"}`, async () => {
          const result = await attempt(
            role,
            `delete from public.${spec.table} where ${spec.target()}`,
          );
          if (isAllowed(spec.delete, role)) expect(result).toEqual({ rows: 1 });
          else expect(result).toSatisfy(refusedOrEmpty);
        });
      }
    });
  }
}
