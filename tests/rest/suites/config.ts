import { describe, expect, it } from "vitest";
import { anonClient, http, reloadAndWait, sql, withConfig } from "../context.ts";

const json = { "Content-Type": "application/json" };

describe("rest: schema cache and configuration", () => {
  it("sees a new table after NOTIFY pgrst, 'reload schema'", async () => {
    await sql(
      "create table public.late_table (id int primary key, v text); insert into public.late_table values (1, 'late')",
    );
    await reloadAndWait("reload schema", async () => (await http("/late_table")).status === 200);
    expect((await http("/late_table?select=v")).json).toEqual([{ v: "late" }]);
    await sql("drop table public.late_table");
    await reloadAndWait("reload schema", async () => (await http("/late_table")).status === 404);
  });

  it("plans a repeated read afresh after NOTIFY pgrst, 'reload schema'", async () => {
    await sql(
      "create table public.growing (id int primary key, v text); insert into public.growing values (1, 'a'); grant select on public.growing to anon",
    );
    await reloadAndWait("reload schema", async () => (await http("/growing")).status === 200);
    // The same request again: its shape and plan are now reused (select=* names the columns).
    expect((await http("/growing")).json).toEqual([{ id: 1, v: "a" }]);
    await sql("alter table public.growing add column w int default 7");
    await reloadAndWait(
      "reload schema",
      async () => JSON.stringify((await http("/growing")).json) === '[{"id":1,"v":"a","w":7}]',
    );
    await sql("alter table public.growing drop column v");
    await reloadAndWait(
      "reload schema",
      async () => JSON.stringify((await http("/growing")).json) === '[{"id":1,"w":7}]',
    );
    await sql("drop table public.growing");
    await reloadAndWait("reload schema", async () => (await http("/growing")).status === 404);
  });

  it("honours pgrst.db_aggregates_enabled", async () => {
    expect((await http("/books?select=genre,count()")).json).toEqual({
      code: "PGRST123",
      details: null,
      hint: null,
      message: "Use of aggregate functions is not allowed",
    });
    const aggregates = async () => (await http("/books?select=genre,count()")).status === 200;
    await withConfig({ db_aggregates_enabled: "true" }, aggregates, async () => {
      const { data } = await anonClient()
        .from("books")
        .select("genre, count(), price.sum(), published.max()")
        .lt("id", 7)
        .order("genre");
      expect(data).toEqual([
        { genre: "fantasy", count: 1, sum: 8.0, max: 1968 },
        { genre: "sf", count: 5, sum: 48.49, max: 1993 },
      ]);
    });
  });

  it("honours pgrst.db_max_rows", async () => {
    const twoRows = async () =>
      ((await http("/books?select=id&id=lte.6")).json as unknown[]).length === 2;
    await withConfig({ db_max_rows: "2" }, twoRows, async () => {
      const res = await http("/books?select=id&id=lte.6&order=id", {
        headers: { Prefer: "count=exact" },
      });
      expect(res.json).toEqual([{ id: 1 }, { id: 2 }]);
      expect(res.headers.get("content-range")).toBe("0-1/6");
    });
  });

  it("explains the plan when pgrst.db_plan_enabled", async () => {
    expect(
      (await http("/books", { headers: { Accept: "application/vnd.pgrst.plan+json" } })).status,
    ).toBe(406);
    const plans = async () =>
      (await http("/books", { headers: { Accept: "application/vnd.pgrst.plan+json" } })).status ===
      200;
    await withConfig({ db_plan_enabled: "true" }, plans, async () => {
      const res = await http("/books?id=eq.1", {
        headers: { Accept: "application/vnd.pgrst.plan+json" },
      });
      expect(res.status).toBe(200);
      expect((res.json as [{ Plan: { "Node Type": string } }])[0].Plan["Node Type"]).toBe(
        "Aggregate",
      );
      const { data } = await anonClient().from("books").select("id").explain({ format: "text" });
      expect(String(data)).toMatch(/Aggregate/);
    });
  });

  it("rolls back with Prefer: tx=rollback when db_tx_end allows it", async () => {
    const ignored = await http("/items", {
      method: "POST",
      headers: { ...json, Prefer: "tx=rollback" },
      body: JSON.stringify({ id: 170, name: "kept" }),
    });
    expect(ignored.headers.get("preference-applied")).toBeNull();
    expect(await sql("select id from public.items where id = 170")).toEqual([{ id: 170 }]);
    const rollbackHonoured = async () =>
      (await http("/books?select=id&id=eq.1", { headers: { Prefer: "tx=rollback" } })).headers.get(
        "preference-applied",
      ) === "tx=rollback";
    await withConfig({ db_tx_end: "commit-allow-override" }, rollbackHonoured, async () => {
      const res = await http("/items", {
        method: "POST",
        headers: { ...json, Prefer: "tx=rollback, return=representation" },
        body: JSON.stringify({ id: 171, name: "rolled back" }),
      });
      expect(res.status).toBe(201);
      expect(res.json).toEqual([
        { id: 171, name: "rolled back", qty: 1, note: "none", updated_at: null },
      ]);
      expect(res.headers.get("preference-applied")).toBe("return=representation, tx=rollback");
      expect(await sql("select id from public.items where id = 171")).toEqual([]);
    });
  });

  it("runs pgrst.db_pre_request before every request", async () => {
    const blocking = async () =>
      (await http("/books?select=id&id=eq.1", { headers: { "x-block": "yes" } })).status === 403;
    await withConfig({ db_pre_request: "public.pre_request" }, blocking, async () => {
      const blocked = await http("/books?select=id&id=eq.1", { headers: { "x-block": "yes" } });
      expect(blocked.status).toBe(403);
      expect(blocked.json).toEqual({
        code: "PT403",
        details: null,
        hint: null,
        message: "blocked by pre-request",
      });
      expect((await http("/books?select=id&id=eq.1")).json).toEqual([{ id: 1 }]);
    });
  });

  it("rejects unknown preferences and too many affected rows with handling=strict", async () => {
    const strict = await http("/books", { headers: { Prefer: "handling=strict, nonsense" } });
    expect(strict.json).toEqual({
      code: "PGRST122",
      details: "Invalid preferences: nonsense",
      hint: null,
      message: "Invalid preferences given with handling=strict",
    });
    expect(
      (
        await http("/books?select=id&id=eq.1", {
          headers: { Prefer: "handling=lenient, nonsense" },
        })
      ).status,
    ).toBe(200);
    await sql("insert into public.items (id, name) values (180, 'm1'), (181, 'm2'), (182, 'm3')");
    const tooMany = await http("/items?id=gte.180&id=lte.182", {
      method: "PATCH",
      headers: { ...json, Prefer: "handling=strict, max-affected=2" },
      body: JSON.stringify({ qty: 5 }),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json).toEqual({
      code: "PGRST124",
      details: "The query affects 3 rows",
      hint: null,
      message: "Query result exceeds max-affected preference constraint",
    });
    expect(await sql("select distinct qty from public.items where id between 180 and 182")).toEqual(
      [{ qty: 1 }],
    );
    const fine = await http("/items?id=eq.180", {
      method: "DELETE",
      headers: { Prefer: "handling=strict, max-affected=1" },
    });
    expect(fine.status).toBe(204);
    expect(fine.headers.get("preference-applied")).toBe("handling=strict, max-affected=1");
  });

  it("serves the OpenAPI description at the root", async () => {
    const res = await http("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/openapi+json; charset=utf-8");
    const doc = res.json as {
      swagger: string;
      paths: Record<string, unknown>;
      definitions: Record<string, { properties: Record<string, { format: string }> }>;
    };
    expect(doc.swagger).toBe("2.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/", "/books", "/authors", "/rpc/add"]),
    );
    expect(doc.definitions.books!.properties.title!.format).toBe("text");
    const extra = await http("/", { headers: { "Accept-Profile": "extra" } });
    expect(Object.keys((extra.json as { paths: object }).paths)).toEqual(["/", "/gadgets"]);
  });

  it("refuses a body over the limit with 413 and writes nothing", async () => {
    const big = JSON.stringify({ id: 190, name: "x".repeat(11 * 1024 * 1024) });
    const res = await http("/items", { method: "POST", headers: json, body: big });
    expect(res.status).toBe(413);
    expect(await sql("select id from public.items where id = 190")).toEqual([]);
  });
});
