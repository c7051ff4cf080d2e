import { describe, expect, it } from "vitest";
import { http, sql } from "../context.ts";

const json = { "Content-Type": "application/json" };

describe("rest: one transaction a request", () => {
  it("reports a constraint checked at COMMIT, keeps nothing and serves the next request", async () => {
    const lone = await http("/pairs", {
      method: "POST",
      headers: json,
      body: JSON.stringify({ id: 1, partner: 2 }),
    });
    expect(lone.status).toBe(409);
    expect(lone.json).toMatchObject({
      code: "23503",
      message:
        'insert or update on table "pairs" violates foreign key constraint "pairs_partner_fkey"',
    });
    expect(await sql("select id from public.pairs")).toEqual([]);
    const both = await http("/pairs", {
      method: "POST",
      headers: json,
      body: JSON.stringify([
        { id: 1, partner: 2 },
        { id: 2, partner: 1 },
      ]),
    });
    expect(both.status).toBe(201);
    const read = await http("/pairs?order=id");
    expect(read.json).toEqual([
      { id: 1, partner: 2 },
      { id: 2, partner: 1 },
    ]);
  });

  it("runs a statement shape again after it failed part-way on the same connection", async () => {
    // One request at a time reuses the pool's most recently released connection, whose named
    // statement for this shape may have failed before PostgreSQL confirmed it.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const duplicate = await http("/items", {
        method: "POST",
        headers: json,
        body: JSON.stringify({ id: 300 + i, name: "same every time" }),
      });
      statuses.push(duplicate.status);
      const fresh = await http("/items", {
        method: "POST",
        headers: json,
        body: JSON.stringify({ id: 400 + i, name: `fresh ${i}` }),
      });
      statuses.push(fresh.status);
    }
    expect(statuses).toEqual([201, 201, 409, 201, 409, 201, 409, 201, 409, 201, 409, 201]);
    expect(
      await sql("select count(*)::int as n from public.items where id >= 300 and id < 500"),
    ).toEqual([{ n: 7 }]);
  });

  it("keeps requests that arrive together apart, though they share connections", async () => {
    // More requests at once than the pool has connections: they go several to a connection.
    const ids = Array.from({ length: 60 }, (_, i) => 500 + i);
    const responses = await Promise.all(
      ids.map((id) => {
        const name = id % 5 === 0 ? "arrived together" : `together ${id}`;
        return http("/items", {
          method: "POST",
          headers: { ...json, Prefer: "return=representation" },
          body: JSON.stringify({ id, name }),
        });
      }),
    );
    const created = ids.filter((_, i) => responses[i]!.status === 201);
    expect(responses.filter((r) => r.status === 409)).toHaveLength(11);
    expect(created).toHaveLength(49);
    responses.forEach((response, i) => {
      if (response.status === 201)
        expect(response.json).toEqual([expect.objectContaining({ id: ids[i] })]);
    });
    const stored = await sql<{ id: number }>(
      "select id from public.items where id between 500 and 559 order by id",
    );
    expect(stored.map((r) => r.id)).toEqual(created);
  });

  it("undoes a write whose singular response is refused", async () => {
    await sql(
      "insert into public.items (id, name, qty) values (310, 'single a', 1), (311, 'single b', 1)",
    );
    const res = await http("/items?id=in.(310,311)", {
      method: "PATCH",
      headers: {
        ...json,
        Accept: "application/vnd.pgrst.object+json",
        Prefer: "return=representation",
      },
      body: JSON.stringify({ qty: 9 }),
    });
    expect(res.status).toBe(406);
    expect(res.json).toMatchObject({ code: "PGRST116", details: "The result contains 2 rows" });
    expect(await sql("select qty from public.items where id in (310, 311) order by id")).toEqual([
      { qty: 1 },
      { qty: 1 },
    ]);
    const one = await http("/items?id=eq.310", {
      method: "PATCH",
      headers: {
        ...json,
        Accept: "application/vnd.pgrst.object+json",
        Prefer: "return=representation",
      },
      body: JSON.stringify({ qty: 9 }),
    });
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ id: 310, qty: 9 });
  });

  it("keeps what a write did when only a function's response headers are malformed, as PostgREST does", async () => {
    const res = await http("/rpc/add_item_bad_headers", {
      method: "POST",
      headers: json,
      body: JSON.stringify({ item_id: 320 }),
    });
    expect(res.status).toBe(500);
    expect(res.json).toMatchObject({ code: "PGRST111" });
    expect(await sql("select name from public.items where id = 320")).toEqual([
      { name: "with bad headers" },
    ]);
  });
});
