import { randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { asRole, createUser, sql, stack, urlAs } from "../helpers/db.ts";
import { projectRoot } from "../../supabase/stack/spawn-stack.ts";

describe("platform bootstrap: roles", () => {
  it("has Supabase's API roles with their attributes", async () => {
    const roles = await sql<{
      rolname: string;
      rolcanlogin: boolean;
      rolinherit: boolean;
      rolbypassrls: boolean;
      rolsuper: boolean;
    }>(
      `select rolname, rolcanlogin, rolinherit, rolbypassrls, rolsuper from pg_roles
       where rolname in ('anon', 'authenticated', 'service_role', 'authenticator', 'supabase_admin') order by rolname`,
    );
    const byName = Object.fromEntries(roles.map((r) => [r.rolname, r]));
    expect(Object.keys(byName).sort()).toEqual([
      "anon",
      "authenticated",
      "authenticator",
      "service_role",
      "supabase_admin",
    ]);
    expect(byName.service_role!.rolbypassrls).toBe(true);
    expect(byName.anon!.rolbypassrls).toBe(false);
    expect(byName.authenticated!.rolbypassrls).toBe(false);
    expect(byName.anon!.rolcanlogin).toBe(false);
    expect(byName.authenticator).toMatchObject({
      rolcanlogin: true,
      rolinherit: false,
      rolsuper: false,
    });
    expect(byName.supabase_admin!.rolsuper).toBe(true);
    const members = await sql<{ role: string }>(
      `select r.rolname as role from pg_auth_members m join pg_roles r on r.oid = m.roleid
       join pg_roles u on u.oid = m.member where u.rolname = 'authenticator' order by 1`,
    );
    expect(members.map((m) => m.role)).toEqual(
      expect.arrayContaining(["anon", "authenticated", "service_role"]),
    );
  });

  it("has the platform tables owned by the service admins, as on hosted Supabase", async () => {
    const owners = await sql<{ name: string; owner: string }>(
      `select c.oid::regclass::text as name, pg_get_userbyid(c.relowner) as owner from pg_class c
       where c.oid in ('auth.users'::regclass, 'auth.refresh_tokens'::regclass, 'storage.objects'::regclass, 'storage.buckets'::regclass) order by 1`,
    );
    expect(owners).toEqual([
      { name: "auth.refresh_tokens", owner: "supabase_auth_admin" },
      { name: "auth.users", owner: "supabase_auth_admin" },
      { name: "storage.buckets", owner: "supabase_storage_admin" },
      { name: "storage.objects", owner: "supabase_storage_admin" },
    ]);
  });

  it("installs the extensions Supabase has in the extensions schema", async () => {
    const rows = await sql<{ extname: string; schema: string }>(
      `select extname, extnamespace::regnamespace::text as schema from pg_extension where extname <> 'plpgsql' order by 1`,
    );
    const installed = Object.fromEntries(rows.map((r) => [r.extname, r.schema]));
    for (const name of [
      "btree_gist",
      "citext",
      "moddatetime",
      "pg_trgm",
      "pgcrypto",
      "uuid-ossp",
    ]) {
      expect(installed[name], name).toBe("extensions");
    }
    // As on Supabase, they resolve unqualified for the API roles through the search path.
    const [row] = await asRole(
      { role: "anon" },
      async (client) =>
        (
          await client.query(
            "select extensions.gen_random_uuid() is not null as ok, extensions.uuid_generate_v4() is not null as v4",
          )
        ).rows,
    );
    expect(row).toEqual({ ok: true, v4: true });
  });
});

describe("platform bootstrap: auth helpers read the JWT claims as hosted Supabase does", () => {
  it("returns the caller from request.jwt.claims", async () => {
    const sub = randomUUID();
    const claims = {
      role: "authenticated",
      sub,
      email: "driver@example.test",
      app_metadata: { provider: "email" },
    };
    const row = await asRole(
      claims,
      async (client) =>
        (
          await client.query(
            "select auth.uid() as uid, auth.role() as role, auth.email() as email, auth.jwt() as jwt, current_user",
          )
        ).rows[0],
    );
    expect(row).toEqual({
      uid: sub,
      role: "authenticated",
      email: "driver@example.test",
      jwt: claims,
      current_user: "authenticated",
    });
  });

  it("returns null for an anonymous request", async () => {
    const row = await asRole(
      { role: "anon" },
      async (client) =>
        (await client.query("select auth.uid() as uid, auth.role() as role")).rows[0],
    );
    expect(row).toEqual({ uid: null, role: "anon" });
  });
});

describe("platform bootstrap: row-level security", () => {
  // A table of this test's own, made as a migration would make it.
  async function probeTable(): Promise<string> {
    const table = `rls_probe_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
    await sql(`
      create table public.${table} (id bigint generated always as identity primary key, owner_id uuid not null, body text);
      alter table public.${table} enable row level security;
      create policy "owners read their rows" on public.${table} for select to authenticated using ((select auth.uid()) = owner_id);
      create policy "owners add their rows" on public.${table} for insert to authenticated with check ((select auth.uid()) = owner_id);`);
    return table;
  }

  it("lets authenticated users see and add only their own rows", async () => {
    const table = await probeTable();
    const [alice, bob] = [await createUser(), await createUser()];
    await sql(`insert into public.${table} (owner_id, body) values ($1, 'alice'), ($2, 'bob')`, [
      alice.id,
      bob.id,
    ]);
    const seen = await asRole(
      alice.claims,
      async (client) => (await client.query(`select body from public.${table}`)).rows,
    );
    expect(seen).toEqual([{ body: "alice" }]);
    await expect(
      asRole(alice.claims, (client) =>
        client.query(`insert into public.${table} (owner_id, body) values ($1, 'forged')`, [
          bob.id,
        ]),
      ),
    ).rejects.toThrow(/new row violates row-level security policy/);
  });

  it("shows anon nothing without a policy for it, and bypasses RLS for service_role", async () => {
    const table = await probeTable();
    const user = await createUser();
    await sql(`insert into public.${table} (owner_id, body) values ($1, 'private')`, [user.id]);
    const anon = await asRole(
      { role: "anon" },
      async (client) => (await client.query(`select * from public.${table}`)).rows,
    );
    expect(anon).toEqual([]);
    const service = await asRole(
      { role: "service_role" },
      async (client) => (await client.query(`select body from public.${table}`)).rows,
    );
    expect(service).toEqual([{ body: "private" }]);
  });

  it("gives the API roles no access to auth.users", async () => {
    const user = await createUser();
    for (const role of ["anon", "authenticated", "service_role"]) {
      await expect(
        asRole({ role, sub: user.id }, (client) => client.query("select email from auth.users")),
        role,
      ).rejects.toThrow(/permission denied for table users/);
    }
    const [row] = await sql("select email from auth.users where id = $1", [user.id]);
    expect(row).toEqual({ email: user.email });
  });

  it("grants API roles on new public tables by default, as Supabase does", async () => {
    const table = await probeTable();
    const grants = await sql<{ grantee: string }>(
      `select distinct grantee from information_schema.role_table_grants where table_schema = 'public' and table_name = $1 and privilege_type = 'SELECT' order by 1`,
      [table],
    );
    expect(grants.map((g) => g.grantee)).toEqual(
      expect.arrayContaining(["anon", "authenticated", "service_role"]),
    );
  });
});

describe("platform bootstrap: storage and realtime", () => {
  it("has storage's path helpers and RLS on its tables", async () => {
    const [row] = await sql(
      `select storage.foldername('avatars/2026/me.png') as folders, storage.filename('avatars/2026/me.png') as file, storage.extension('avatars/2026/me.png') as ext`,
    );
    expect(row).toEqual({ folders: ["avatars", "2026"], file: "me.png", ext: "png" });
    const rls = await sql<{ relname: string; relrowsecurity: boolean }>(
      `select relname, relrowsecurity from pg_class where relnamespace = 'storage'::regnamespace and relname in ('buckets', 'objects') order by 1`,
    );
    expect(rls).toEqual([
      { relname: "buckets", relrowsecurity: true },
      { relname: "objects", relrowsecurity: true },
    ]);
  });

  it("has the supabase_realtime publication and realtime.messages under RLS", async () => {
    expect(
      await sql("select pubname from pg_publication where pubname = 'supabase_realtime'"),
    ).toEqual([{ pubname: "supabase_realtime" }]);
    const [messages] = await sql(
      "select relrowsecurity from pg_class where oid = 'realtime.messages'::regclass",
    );
    expect(messages).toEqual({ relrowsecurity: true });
  });
});

describe("platform bootstrap: versions", () => {
  it("records every platform file once, and each file can run again without error", async () => {
    const dir = path.join(projectRoot, "supabase/stack/database/platform");
    const files = (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort();
    expect(files.length).toBeGreaterThan(0);
    const recorded = await sql<{ name: string }>(
      "select name from pitlane_stack.platform_versions order by version",
    );
    expect(recorded.map((r) => r.name)).toEqual(files);
    // Idempotent, so the stack can bootstrap a DATABASE_URL that already has some of it.
    const client = new pg.Client({ connectionString: stack().dbUrl });
    await client.connect();
    try {
      await client.query("begin");
      for (const file of files) await client.query(await readFile(path.join(dir, file), "utf8"));
      await client.query("rollback");
    } finally {
      await client.end();
    }
  });

  it("lets authenticator log in and switch to each API role", async () => {
    const client = new pg.Client({ connectionString: urlAs("authenticator") });
    await client.connect();
    try {
      for (const role of ["anon", "authenticated", "service_role"]) {
        await client.query(`set role ${role}`);
        expect((await client.query("select current_user")).rows[0].current_user).toBe(role);
        await client.query("reset role");
      }
      await expect(client.query("set role postgres")).rejects.toThrow(
        /permission denied to set role "postgres"/,
      );
    } finally {
      await client.end();
    }
  });
});
