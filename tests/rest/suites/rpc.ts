import { describe, expect, it } from "vitest";
import { anonClient, signedInUser } from "../context.ts";

describe("rest: rpc with supabase-js", () => {
  it("calls with named arguments by POST and GET", async () => {
    const db = anonClient();
    expect((await db.rpc("add", { a: 2, b: 3 })).data).toBe(5);
    expect((await db.rpc("add", { a: 2, b: 3 }, { get: true })).data).toBe(5);
    expect((await db.rpc("greet", { name: "Ada" })).data).toBe("hi Ada");
    expect((await db.rpc("greet", { name: "Ada", greeting: "hello" })).data).toBe("hello Ada");
    expect((await db.rpc("hello")).data).toBe("hello");
  });

  it("passes JSON arguments and a single unnamed jsonb body", async () => {
    const db = anonClient();
    expect((await db.rpc("echo", { payload: { a: [1, { b: null }] } })).data).toEqual({
      a: [1, { b: null }],
    });
    expect((await db.rpc("echo_body", { anything: "goes", n: 1 })).data).toEqual({
      anything: "goes",
      n: 1,
    });
  });

  it("filters, orders and embeds set-returning functions like tables", async () => {
    const db = anonClient();
    const { data } = await db
      .rpc("books_by", { author: 1 })
      .select("title, author:authors!author_id(name)")
      .gt("published", 1968)
      .order("published", { ascending: false });
    expect(data).toEqual([
      { title: "The Dispossessed", author: { name: "Ursula Le Guin" } },
      { title: "The Left Hand of Darkness", author: { name: "Ursula Le Guin" } },
    ]);
    const table = await db.rpc("pairs").gt("v", 1);
    expect(table.data).toEqual([{ k: "b", v: 2 }]);
    const counted = await db.rpc("books_by", { author: 2 }, { count: "exact" }).limit(1);
    expect(counted.count).toBe(2);
    expect(counted.data).toHaveLength(1);
  });

  it("returns scalars, sets of scalars, a single row as an object, and nothing for void", async () => {
    const db = anonClient();
    expect((await db.rpc("numbers", { n: 3 })).data).toEqual([1, 2, 3]);
    expect((await db.rpc("first_book").select("id, title")).data).toEqual({
      id: 1,
      title: "The Left Hand of Darkness",
    });
    const nothing = await db.rpc("noop");
    expect(nothing.status).toBe(204);
    expect(nothing.data).toBeNull();
    expect((await db.rpc("sum_all", { v: [1, 2, 3] })).data).toBe(6);
  });

  it("resolves overloads by argument names", async () => {
    const db = anonClient();
    expect((await db.rpc("overloaded", { a: 1 })).data).toBe("one");
    expect((await db.rpc("overloaded", { a: 1, b: 2 })).data).toBe("two");
  });

  it("answers an unknown function with 404 PGRST202 and a hint", async () => {
    const { error, status } = await anonClient().rpc("add", { a: 1, c: 2 });
    expect(status).toBe(404);
    expect(error).toMatchObject({
      code: "PGRST202",
      message: "Could not find the function public.add(a, c) in the schema cache",
      details:
        "Searched for the function public.add with parameters a, c or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.",
      hint: "Perhaps you meant to call the function public.add(a, b)",
    });
    const typo = await anonClient().rpc("helo");
    expect(typo.error?.hint).toBe("Perhaps you meant to call the function public.hello");
  });

  it("maps raised errors: P0001 → 400, PTxxx → xxx, RAISE 'PGRST' → full control", async () => {
    const db = anonClient();
    const raised = await db.rpc("fail", { message: "boom" });
    expect(raised.status).toBe(400);
    expect(raised.error).toMatchObject({
      code: "P0001",
      message: "boom",
      details: "it failed",
      hint: "do not call it",
    });
    expect((await db.rpc("fail_status")).status).toBe(418);
    const custom = await db.rpc("fail_custom");
    expect(custom.status).toBe(402);
    expect(custom.error).toMatchObject({
      code: "123",
      message: "Payment Required",
      details: "Quota exceeded",
      hint: "Upgrade your plan",
    });
  });

  it("runs as the caller with the request's settings, read-only for GET", async () => {
    const user = await signedInUser();
    const post = await user.client.rpc("whoami");
    // A stable function runs read-only even by POST, as in PostgREST.
    expect(post.data).toMatchObject({
      role: "authenticated",
      uid: user.id,
      method: "POST",
      path: "/rpc/whoami",
      read_only: "on",
    });
    const get = await anonClient().rpc("whoami", {}, { get: true });
    expect(get.data).toMatchObject({ role: "anon", uid: null, method: "GET", read_only: "on" });
    const volatileByGet = await anonClient().rpc(
      "add_item",
      { item_id: 900, item_name: "nope" },
      { get: true },
    );
    expect(volatileByGet.status).toBe(405);
    expect(volatileByGet.error?.code).toBe("25006");
  });
});
