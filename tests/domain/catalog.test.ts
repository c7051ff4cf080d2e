// The schema as an admin reads it in Supabase Studio, whose table editor and API docs show the
// catalog's comments: every public table, view and function of sql/ says what it is. And the
// private helpers stay private: none is executable by PUBLIC (PostgreSQL's default for a new
// function), and one granted to anon or authenticated says why in its comment ("Granted to anon
// and authenticated because RLS policies call it."). Checked on a database built from sql/ alone,
// so objects other suites create on the shared stack do not count.

import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Db, freshDatabase } from "../helpers/db.ts";

let db: Db;

beforeAll(async () => {
  db = new Db(await freshDatabase(path.resolve(import.meta.dirname, "../../sql")));
});

afterAll(async () => {
  await db?.end();
});

describe("the catalog of sql/", () => {
  it("has a comment on every public table, view and function", async () => {
    const uncommented = await db.sql<{ kind: string; name: string }>(
      `select case c.relkind when 'v' then 'view' when 'm' then 'materialized view' else 'table' end as kind, c.relname as name
       from pg_catalog.pg_class c
       where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'f')
         and pg_catalog.obj_description(c.oid, 'pg_class') is null
         and not exists (select 1 from pg_catalog.pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
       union all
       select 'function', p.oid::regprocedure::text
       from pg_catalog.pg_proc p
       where p.pronamespace = 'public'::regnamespace
         and pg_catalog.obj_description(p.oid, 'pg_proc') is null
         and not exists (select 1 from pg_catalog.pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
       order by 1, 2`,
    );
    expect(uncommented).toEqual([]);
  });

  it("lets no one but the roles a private helper's comment names, with the reason, execute it", async () => {
    const executable = await db.sql<{ name: string; grantees: string[]; comment: string | null }>(
      `select p.oid::regprocedure::text as name,
              array_agg(case when a.grantee = 0 then 'PUBLIC' else a.grantee::regrole::text end order by 1) as grantees,
              pg_catalog.obj_description(p.oid, 'pg_proc') as comment
       from pg_catalog.pg_proc p,
            pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) as a
       where p.pronamespace = 'private'::regnamespace and a.privilege_type = 'EXECUTE'
         and (a.grantee = 0 or a.grantee in ('anon'::regrole, 'authenticated'::regrole))
       group by p.oid`,
    );
    const faults = executable.flatMap(({ name, grantees, comment }) => {
      if (grantees.includes("PUBLIC"))
        return [`${name}: executable by PUBLIC (revoke it, and grant the roles that need it)`];
      const reason = /Granted to ([^.]*?) because \S/.exec(comment ?? "");
      const unexplained = grantees.filter(
        (role) => !reason?.[1]!.split(/,\s*|\s+and\s+/).includes(role),
      );
      return unexplained.length === 0
        ? []
        : [
            `${name}: executable by ${unexplained.join(", ")} without "Granted to ${unexplained.join(" and ")} because …" in its comment`,
          ];
    });
    expect(faults).toEqual([]);
    // The rule is exercised: policy helpers are meant for anon and authenticated.
    expect(executable.map((f) => f.name)).toContain("private.is_platform_admin()");
  });
});
