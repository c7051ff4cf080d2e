import { describe, expect, it } from "vitest";
import { anonClient, serviceClient, signedInUser, sql } from "../context.ts";

describe("rest: writes with supabase-js", () => {
  it("inserts one row and many, returning the representation", async () => {
    const db = anonClient();
    const one = await db.from("items").insert({ id: 101, name: "bolt" }).select().single();
    expect(one.status).toBe(201);
    expect(one.data).toEqual({ id: 101, name: "bolt", qty: 1, note: "none", updated_at: null });
    // supabase-js sends columns= for arrays; missing keys become null, or the default with defaultToNull: false.
    const many = await db
      .from("items")
      .insert([
        { id: 102, name: "nut", note: "n" },
        { id: 103, name: "washer" },
      ])
      .select("id, qty, note");
    expect(many.data).toEqual([
      { id: 102, qty: 1, note: "n" },
      { id: 103, qty: 1, note: null },
    ]);
  });

  it("fills missing columns with defaults when asked", async () => {
    const { data, error } = await anonClient()
      .from("items")
      .insert(
        [
          { id: 104, name: "gear", note: "x" },
          { id: 105, name: "cog" },
        ],
        { defaultToNull: false },
      )
      .select("id, qty, note");
    expect(error).toBeNull();
    expect(data).toEqual([
      { id: 104, qty: 1, note: "x" },
      { id: 105, qty: 1, note: "none" },
    ]);
  });

  it("inserts with return=minimal and no body", async () => {
    const res = await anonClient().from("items").insert({ id: 106, name: "pin" });
    expect(res.status).toBe(201);
    expect(res.data).toBeNull();
    expect(await sql("select name from public.items where id = 106")).toEqual([{ name: "pin" }]);
  });

  it("upserts: merge, ignore, on_conflict", async () => {
    const db = anonClient();
    await db.from("items").insert({ id: 110, name: "spring", qty: 2 });
    const merged = await db
      .from("items")
      .upsert({ id: 110, name: "spring", qty: 7 })
      .select("id, qty");
    expect(merged.data).toEqual([{ id: 110, qty: 7 }]);
    expect(merged.status).toBe(200);
    const ignored = await db
      .from("items")
      .upsert({ id: 110, name: "spring", qty: 99 }, { ignoreDuplicates: true })
      .select("id, qty");
    expect(ignored.data).toEqual([]);
    const byName = await db
      .from("items")
      .upsert({ id: 111, name: "spring", qty: 3 }, { onConflict: "name" })
      .select("id, qty");
    // PostgREST updates every column of the body on conflict, the key included.
    expect(byName.data).toEqual([{ id: 111, qty: 3 }]);
    const inserted = await db.from("items").upsert({ id: 112, name: "clip" }).select("id");
    expect(inserted.status).toBe(201);
  });

  it("updates and deletes with filters, returning rows", async () => {
    const db = anonClient();
    await db.from("items").insert([
      { id: 120, name: "u1" },
      { id: 121, name: "u2" },
      { id: 122, name: "u3" },
    ]);
    const updated = await db
      .from("items")
      .update({ qty: 42 })
      .in("id", [120, 121])
      .select("id, qty")
      .order("id");
    expect(updated.data).toEqual([
      { id: 120, qty: 42 },
      { id: 121, qty: 42 },
    ]);
    const deleted = await db.from("items").delete().gte("id", 121).lte("id", 122).select("name");
    expect(deleted.data).toEqual([{ name: "u2" }, { name: "u3" }]);
    expect(await sql("select id from public.items where id between 120 and 122")).toEqual([
      { id: 120 },
    ]);
    const counted = await db.from("items").delete({ count: "exact" }).eq("id", 120);
    expect(counted.count).toBe(1);
    expect(counted.status).toBe(204);
  });

  it("writes each request's own body and columns when requests of one shape repeat", async () => {
    const db = anonClient();
    const insert = (row: Record<string, unknown>) =>
      db.from("items").insert(row).select("id, name, qty, note").single();
    expect((await insert({ id: 610, name: "shape pin" })).data).toEqual({
      id: 610,
      name: "shape pin",
      qty: 1,
      note: "none",
    });
    expect((await insert({ id: 611, name: "shape clip" })).data).toEqual({
      id: 611,
      name: "shape clip",
      qty: 1,
      note: "none",
    });
    // The same request shape with other keys sets other columns.
    expect((await insert({ id: 612, name: "shape rivet", qty: 3 })).data).toEqual({
      id: 612,
      name: "shape rivet",
      qty: 3,
      note: "none",
    });
    const update = (row: Record<string, unknown>) =>
      db.from("items").update(row).eq("id", 610).select("id, name, qty, note").single();
    expect((await update({ note: "a" })).data).toEqual({
      id: 610,
      name: "shape pin",
      qty: 1,
      note: "a",
    });
    expect((await update({ note: "b" })).data).toEqual({
      id: 610,
      name: "shape pin",
      qty: 1,
      note: "b",
    });
    expect((await update({ qty: 5 })).data).toEqual({
      id: 610,
      name: "shape pin",
      qty: 5,
      note: "b",
    });
  });

  it("returns embedded resources from a write", async () => {
    const { data } = await anonClient()
      .from("books")
      .insert({ title: "The Word for World Is Forest", author_id: 1 })
      .select("title, author:authors!author_id(name)")
      .single();
    expect(data).toEqual({
      title: "The Word for World Is Forest",
      author: { name: "Ursula Le Guin" },
    });
  });

  it("maps constraint errors to PostgREST's statuses and changes nothing", async () => {
    const db = anonClient();
    const duplicate = await db.from("items").insert([
      { id: 130, name: "dup" },
      { id: 131, name: "dup" },
    ]);
    expect(duplicate.status).toBe(409);
    expect(duplicate.error).toMatchObject({
      code: "23505",
      message: 'duplicate key value violates unique constraint "items_name_key"',
      details: "Key (name)=(dup) already exists.",
    });
    expect(await sql("select id from public.items where id in (130, 131)")).toEqual([]);
    const foreign = await db.from("books").insert({ title: "orphan", author_id: 999 });
    expect(foreign.status).toBe(409);
    expect(foreign.error?.code).toBe("23503");
    const check = await db.from("items").insert({ id: 132, name: "neg", qty: -1 });
    expect(check.status).toBe(400);
    expect(check.error?.code).toBe("23514");
    const notNull = await db.from("items").insert({ id: 133 });
    expect(notNull.status).toBe(400);
    expect(notNull.error?.code).toBe("23502");
    const badType = await db.from("items").insert({ id: "x", name: "y" });
    expect(badType.status).toBe(400);
    expect(badType.error?.code).toBe("22P02");
    const unknown = await db.from("items").insert({ id: 134, name: "z", colour: "red" });
    expect(unknown.status).toBe(400);
    expect(unknown.error).toMatchObject({
      code: "PGRST204",
      message: "Could not find the 'colour' column of 'items' in the schema cache",
    });
  });

  it("enforces RLS and privileges on writes: 403 for a user, 401 for anon", async () => {
    const alice = await signedInUser();
    const bob = await signedInUser();
    const created = await alice.client
      .from("todos")
      .insert({ task: "write tests" })
      .select("task, user_id")
      .single();
    expect(created.data).toEqual({ task: "write tests", user_id: alice.id });
    const forged = await alice.client.from("todos").insert({ task: "as bob", user_id: bob.id });
    expect(forged.status).toBe(403);
    expect(forged.error?.code).toBe("42501");
    const hidden = await bob.client
      .from("todos")
      .update({ done: true })
      .eq("task", "write tests")
      .select();
    expect(hidden.data).toEqual([]);
    const removed = await bob.client.from("todos").delete().eq("user_id", alice.id).select();
    expect(removed.data).toEqual([]);
    expect(await sql("select done from public.todos where user_id = $1", [alice.id])).toEqual([
      { done: false },
    ]);
    const anon = await anonClient().from("notices").insert({ id: 9, body: "spam" });
    expect(anon.status).toBe(401);
    expect(anon.error?.code).toBe("42501");
    const user = await alice.client.from("notices").insert({ id: 9, body: "spam" });
    expect(user.status).toBe(403);
    const service = await serviceClient()
      .from("notices")
      .insert({ id: 9, body: "official" })
      .select()
      .single();
    expect(service.data).toEqual({ id: 9, body: "official" });
  });
});
