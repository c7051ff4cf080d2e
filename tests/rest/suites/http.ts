import { describe, expect, it } from "vitest";
import { http, signToken, signedInUser, sql, stack } from "../context.ts";

const json = { "Content-Type": "application/json" };

describe("rest: raw HTTP", () => {
  it("answers the gateway's apikey errors", async () => {
    const none = await http("/books", { headers: { apikey: "" } });
    expect(none.status).toBe(401);
    expect(none.json).toEqual({
      message: "No API key found in request",
      hint: "No `apikey` request header or url param was found.",
    });
    const wrong = await http("/books", { headers: { apikey: "not-a-key" } });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({
      message: "Invalid API key",
      hint: "Double check your Supabase `anon` or `service_role` API key.",
    });
  });

  it("rejects bad, expired and forged tokens with 401 and WWW-Authenticate", async () => {
    const parts = await http("/books", { headers: { Authorization: "Bearer abc" } });
    expect(parts.status).toBe(401);
    expect(parts.json).toEqual({
      code: "PGRST301",
      details: null,
      hint: null,
      message: "Expected 3 parts in JWT; got 1",
    });
    expect(parts.headers.get("www-authenticate")).toBe(
      'Bearer error="invalid_token", error_description="Expected 3 parts in JWT; got 1"',
    );
    const expired = await http("/books", {
      headers: {
        Authorization: `Bearer ${await signToken({ role: "authenticated" }, Math.floor(Date.now() / 1000) - 120)}`,
      },
    });
    expect(expired.status).toBe(401);
    expect(expired.json).toEqual({
      code: "PGRST303",
      details: null,
      hint: null,
      message: "JWT expired",
    });
    const forged = stack().anonKey.replace(/.$/, (c) => (c === "A" ? "B" : "A"));
    const bad = await http("/books", { headers: { Authorization: `Bearer ${forged}` } });
    expect(bad.status).toBe(401);
    expect((bad.json as { code: string }).code).toBe("PGRST301");
    const noRole = await http("/rpc/whoami", {
      headers: { Authorization: `Bearer ${await signToken({ iss: "elsewhere" })}` },
    });
    expect((noRole.json as { role: string }).role).toBe("anon");
    const unknownRole = await http("/books", {
      headers: { Authorization: `Bearer ${await signToken({ role: "nobody" })}` },
    });
    expect(unknownRole.status).toBe(401);
    expect(unknownRole.json).toEqual({
      code: "22023",
      details: null,
      hint: null,
      message: 'role "nobody" does not exist',
    });
  });

  it("sends Content-Range, Content-Location and Preference-Applied", async () => {
    const res = await http("/books?select=id&id=lte.6&order=id&limit=2&offset=1", {
      headers: { Prefer: "count=exact" },
    });
    expect(res.status).toBe(206);
    expect(res.headers.get("content-range")).toBe("1-2/6");
    expect(res.headers.get("content-location")).toBe(
      "/books?id=lte.6&limit=2&offset=1&order=id&select=id",
    );
    expect(res.headers.get("preference-applied")).toBe("count=exact");
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const range = await http("/books?select=id&id=lte.6&order=id", { headers: { Range: "4-" } });
    expect(range.headers.get("content-range")).toBe("4-5/*");
    expect(range.json).toEqual([{ id: 5 }, { id: 6 }]);
    const empty = await http("/books?select=id&id=eq.0");
    expect(empty.headers.get("content-range")).toBe("*/*");
    const head = await http("/books?select=id&id=lte.6", {
      method: "HEAD",
      headers: { Prefer: "count=exact" },
    });
    expect(head.status).toBe(200);
    expect(head.text).toBe("");
    expect(head.headers.get("content-range")).toBe("0-5/6");
  });

  it("answers an offset past the end with 416", async () => {
    const res = await http("/books?select=id&id=lte.6&offset=10", {
      headers: { Prefer: "count=exact" },
    });
    expect(res.status).toBe(416);
    expect(res.json).toEqual({
      code: "PGRST103",
      details: "An offset of 10 was requested, but there are only 6 rows.",
      hint: null,
      message: "Requested range not satisfiable",
    });
    const inverted = await http("/books", { headers: { Range: "5-2" } });
    expect(inverted.status).toBe(416);
  });

  it("reports parse errors with PGRST100 and never runs them", async () => {
    const select = await http("/books?select=id,(");
    expect(select.status).toBe(400);
    expect(select.json).toMatchObject({
      code: "PGRST100",
      message: '"failed to parse select parameter (id,()" (line 1, column 4)',
    });
    const filter = await http("/books?id=foo.1");
    expect(filter.json).toMatchObject({
      code: "PGRST100",
      message: '"failed to parse filter (foo.1)" (line 1, column 1)',
    });
    const order = await http("/books?order=id.sideways");
    expect((order.json as { code: string }).code).toBe("PGRST100");
    const logic = await http("/books?or=(id.eq.1");
    expect((logic.json as { code: string }).code).toBe("PGRST100");
  });

  it("reports schema cache errors exactly", async () => {
    expect((await http("/bookz")).json).toEqual({
      code: "PGRST205",
      details: null,
      hint: "Perhaps you meant the table 'public.books'",
      message: "Could not find the table 'public.bookz' in the schema cache",
    });
    expect((await http("/books?select=id,nope")).json).toEqual({
      code: "42703",
      details: null,
      hint: null,
      message: "column books.nope does not exist",
    });
    const noRel = await http("/books?select=id,publisher(name)");
    expect(noRel.status).toBe(400);
    expect(noRel.json).toEqual({
      code: "PGRST200",
      details:
        "Searched for a foreign key relationship between 'books' and 'publisher' in the schema 'public', but no matches were found.",
      hint: "Perhaps you meant 'publishers' instead of 'publisher'.",
      message: "Could not find a relationship between 'books' and 'publisher' in the schema cache",
    });
    const notEmbedded = await http("/books?select=id&authors.name=eq.x");
    expect(notEmbedded.json).toEqual({
      code: "PGRST108",
      details: null,
      hint: "Verify that 'authors' is included in the 'select' query parameter.",
      message: "'authors' is not an embedded resource in this request",
    });
    const relatedOrder = await http("/authors?select=id,books!author_id(id)&order=books(id)");
    expect(relatedOrder.json).toEqual({
      code: "PGRST118",
      details: "'authors' and 'books' do not form a many-to-one or one-to-one relationship",
      hint: null,
      message: "A related order on 'books' is not possible",
    });
    expect((await http("/books", { headers: { "Accept-Profile": "private" } })).json).toEqual({
      code: "PGRST106",
      details: null,
      hint: "Only the following schemas are exposed: public, extra",
      message: "Invalid schema: private",
    });
    expect((await http("/books", { headers: { Accept: "image/png" } })).json).toEqual({
      code: "PGRST107",
      details: null,
      hint: null,
      message: "None of these media types are available: image/png",
    });
    expect((await http("/a/b")).status).toBe(404);
    expect((await http("/rpc/add", { method: "PUT" })).json).toMatchObject({
      code: "PGRST101",
      message: "Cannot use the PUT method on RPC",
    });
  });

  it("negates a logic tree from the key and filters nested logic", async () => {
    const res = await http("/books?select=id&not.or=(genre.eq.sf,id.eq.99)");
    expect(res.json).toEqual([{ id: 3 }]);
  });

  it("validates bodies and refuses to write half of them", async () => {
    const before = await sql("select count(*)::int as n from public.items");
    const invalid = await http("/items", { method: "POST", headers: json, body: "{nope" });
    expect(invalid.status).toBe(400);
    expect(invalid.json).toEqual({
      code: "PGRST102",
      details: null,
      hint: null,
      message: "Empty or invalid json",
    });
    const keys = await http("/items", {
      method: "POST",
      headers: json,
      body: JSON.stringify([{ id: 140, name: "a" }, { id: 141 }]),
    });
    expect(keys.json).toEqual({
      code: "PGRST102",
      details: null,
      hint: null,
      message: "All object keys must match",
    });
    const partial = await http("/items", {
      method: "POST",
      headers: json,
      body: JSON.stringify([
        { id: 142, name: "ok" },
        { id: 143, name: null },
      ]),
    });
    expect(partial.status).toBe(400);
    expect(await sql("select count(*)::int as n from public.items")).toEqual(before);
  });

  it("sets Location for return=headers-only and Content-Profile for another schema", async () => {
    const created = await http("/items", {
      method: "POST",
      headers: { ...json, Prefer: "return=headers-only" },
      body: JSON.stringify({ id: 150, name: "located" }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe("/items?id=eq.150");
    expect(created.headers.get("preference-applied")).toBe("return=headers-only");
    const extra = await http("/gadgets", {
      method: "POST",
      headers: { ...json, "Content-Profile": "extra", Prefer: "return=representation" },
      body: JSON.stringify({ id: 2, name: "widget" }),
    });
    expect(extra.status).toBe(201);
    expect(extra.headers.get("content-profile")).toBe("extra");
    expect(extra.json).toEqual([{ id: 2, name: "widget" }]);
  });

  it("PUT upserts by primary key only", async () => {
    const put = await http("/items?id=eq.160", {
      method: "PUT",
      headers: { ...json, Prefer: "return=representation" },
      body: JSON.stringify({ id: 160, name: "put" }),
    });
    expect(put.status).toBe(201);
    const again = await http("/items?id=eq.160", {
      method: "PUT",
      headers: { ...json, Prefer: "return=representation" },
      body: JSON.stringify({ id: 160, name: "put2" }),
    });
    expect(again.status).toBe(200);
    expect(again.json).toEqual([{ id: 160, name: "put2", qty: 1, note: "none", updated_at: null }]);
    const mismatch = await http("/items?id=eq.161", {
      method: "PUT",
      headers: json,
      body: JSON.stringify({ id: 162, name: "x" }),
    });
    expect(mismatch.json).toEqual({
      code: "PGRST115",
      details: null,
      hint: null,
      message: "Payload values do not match URL in primary key column(s)",
    });
    const notPk = await http("/items?name=eq.x", {
      method: "PUT",
      headers: json,
      body: JSON.stringify({ id: 162, name: "x" }),
    });
    expect(notPk.status).toBe(405);
    expect((notPk.json as { code: string }).code).toBe("PGRST105");
  });

  it("leaks nothing between requests on a pooled connection", async () => {
    const user = await signedInUser();
    for (let i = 0; i < 3; i++) {
      const mine = await http("/rpc/whoami", {
        headers: { Authorization: `Bearer ${user.token}`, "x-test": "first" },
      });
      expect(mine.json).toMatchObject({ role: "authenticated", uid: user.id, header: "first" });
      const anon = await http("/rpc/whoami");
      expect(anon.json).toMatchObject({ role: "anon", uid: null, header: null });
    }
  });

  it("applies response.headers and response.status set by a function", async () => {
    const res = await http("/rpc/with_headers");
    expect(res.status).toBe(202);
    expect(res.headers.get("x-custom")).toBe("yes");
    expect(res.headers.get("cache-control")).toBe("max-age=60");
  });
});
