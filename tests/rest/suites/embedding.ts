import { describe, expect, it } from "vitest";
import { anonClient, http, serviceClient, withConfig } from "../context.ts";

const aggregatesOn = async () => (await http("/books?select=count()")).status === 200;

describe("rest: computed relationships, aggregates, spreads and empty embeds", () => {
  it("embeds a function returning setof rows as a to-many relationship", async () => {
    const { data, error } = await anonClient()
      .from("authors")
      .select("name, written_books(title, published)")
      .eq("id", 2)
      .single();
    expect(error).toBeNull();
    expect(data).toEqual({
      name: "Octavia Butler",
      written_books: [
        { title: "Parable of the Sower", published: 1993 },
        { title: "Kindred", published: 1979 },
      ],
    });
  });

  it("embeds a function returning one row, or setof with rows 1, as to-one", async () => {
    const db = anonClient();
    const single = await db.from("books").select("title, writer(name)").eq("id", 6).single();
    expect(single.data).toEqual({ title: "Consider Phlebas", writer: { name: "Iain Banks" } });
    const rows1 = await db
      .from("authors")
      .select("name, first:first_published(title)")
      .order("id")
      .limit(2);
    expect(rows1.data).toEqual([
      { name: "Ursula Le Guin", first: { title: "A Wizard of Earthsea" } },
      { name: "Octavia Butler", first: { title: "Kindred" } },
    ]);
  });

  it("sub-embeds, filters, orders and limits inside a computed relationship", async () => {
    const { data, error } = await anonClient()
      .from("authors")
      .select("name, written_books(title, authors!author_id(name), book_publishers(publisher_id))")
      .eq("id", 1)
      .gte("written_books.published", 1969)
      .order("title", { referencedTable: "written_books" })
      .limit(1, { referencedTable: "written_books" })
      .single();
    expect(error).toBeNull();
    expect(data).toEqual({
      name: "Ursula Le Guin",
      written_books: [
        {
          title: "The Dispossessed",
          authors: { name: "Ursula Le Guin" },
          book_publishers: [{ publisher_id: 2 }],
        },
      ],
    });
  });

  it("filters, counts and orders the parent by a computed relationship", async () => {
    const { data, count } = await anonClient()
      .from("books")
      .select("title, writer!inner(name)", { count: "exact" })
      .eq("writer.name", "Iain Banks");
    expect(data).toEqual([{ title: "Consider Phlebas", writer: { name: "Iain Banks" } }]);
    expect(count).toBe(1);
    const ordered = await http(
      "/books?select=title,writer(name)&order=writer(name).desc,id&limit=2&id=lte.6",
    );
    expect(ordered.json).toEqual([
      { title: "The Left Hand of Darkness", writer: { name: "Ursula Le Guin" } },
      { title: "The Dispossessed", writer: { name: "Ursula Le Guin" } },
    ]);
    const present = await http(
      "/authors?select=name,first_published(id)&first_published=not.is.null&order=id&limit=1",
    );
    expect(present.json).toEqual([{ name: "Ursula Le Guin", first_published: { id: 3 } }]);
  });

  it("embeds computed relationships of views and from a function call's rows", async () => {
    const db = anonClient();
    const view = await db
      .from("book_titles")
      .select("title, same_author_titles(title)")
      .eq("id", 4)
      .single();
    expect(view.data).toEqual({
      title: "Kindred",
      same_author_titles: [{ title: "Parable of the Sower" }],
    });
    const rpc = await db.rpc("books_by", { author: 3 }).select("title, writer(name)");
    expect(rpc.data).toEqual([{ title: "Consider Phlebas", writer: { name: "Iain Banks" } }]);
  });

  it("embeds a computed relationship of an inserted row", async () => {
    const db = serviceClient();
    const { data, error } = await db
      .from("books")
      .insert({ id: 900, title: "Excession", author_id: 3 })
      .select("title, writer(name)")
      .single();
    await db.from("books").delete().eq("id", 900);
    expect(error).toBeNull();
    expect(data).toEqual({ title: "Excession", writer: { name: "Iain Banks" } });
  });

  it("uses an embed with no fields only to filter", async () => {
    const { data, error } = await anonClient()
      .from("books")
      .select("title, authors!author_id!inner()")
      .eq("authors.name", "Octavia Butler")
      .order("id");
    expect(error).toBeNull();
    expect(data).toEqual([{ title: "Kindred" }, { title: "Parable of the Sower" }]);
    const nested = await http(
      "/authors?select=name,books!author_id!inner(book_publishers!inner())&books.book_publishers.publisher_id=eq.3&order=id",
    );
    expect(nested.json).toEqual([{ name: "Octavia Butler" }, { name: "Iain Banks" }]);
  });

  it("refuses two embeds under one name with PostgreSQL's 42712", async () => {
    const res = await http("/authors?select=name,books!author_id(title),books!editor_id(title)");
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      code: "42712",
      details: null,
      hint: null,
      message: 'table name "authors_books_1" specified more than once',
    });
    const nested = await http(
      "/authors?select=books!author_id(w:writer(name),w:book_publishers(publisher_id))",
    );
    expect((nested.json as { message: string }).message).toBe(
      'table name "books_w_2" specified more than once',
    );
  });

  it("refuses aggregates in embeds with PGRST123 while db-aggregates-enabled is off", async () => {
    for (const select of [
      "name,books!author_id(count())",
      "name,books!author_id(price.sum())",
      "name,books!author_id(count)",
    ]) {
      const res = await http(`/authors?select=${select}`);
      expect(res.status, select).toBe(400);
      expect(res.json, select).toEqual({
        code: "PGRST123",
        details: null,
        hint: null,
        message: "Use of aggregate functions is not allowed",
      });
    }
    expect((await http("/books?select=title,...authors!author_id(id.count())")).status).toBe(400);
  });

  it("aggregates in embeds, with casts and aliases, when enabled", async () => {
    await withConfig({ db_aggregates_enabled: "true" }, aggregatesOn, async () => {
      const db = anonClient();
      const counts = await db.from("authors").select("name, books!author_id(count)").order("id");
      expect(counts.data).toEqual([
        { name: "Ursula Le Guin", books: [{ count: 3 }] },
        { name: "Octavia Butler", books: [{ count: 2 }] },
        { name: "Iain Banks", books: [{ count: 1 }] },
      ]);
      const stats = await db
        .from("authors")
        .select(
          "name, books!author_id(total:price.sum(), average:price.avg()::int, oldest:published.min(), newest:published.max()::text, n:count())",
        )
        .eq("id", 1)
        .single();
      expect(stats.error).toBeNull();
      expect(stats.data).toEqual({
        name: "Ursula Le Guin",
        books: [{ total: 30.49, average: 10, oldest: 1968, newest: "1974", n: 3 }],
      });
      const grouped = await db
        .from("authors")
        .select("name, written_books(genre, count())")
        .eq("id", 1)
        .single();
      expect(
        (grouped.data as { written_books: { genre: string }[] }).written_books.sort((a, b) =>
          a.genre.localeCompare(b.genre),
        ),
      ).toEqual([
        { genre: "fantasy", count: 1 },
        { genre: "sf", count: 2 },
      ]);
    });
  });

  it("spreads to-one embeds, nested, and groups aggregates by their columns", async () => {
    const db = anonClient();
    const nested = await db
      .from("book_publishers")
      .select("publisher_id, ...books(title, ...authors!author_id(author:name))")
      .eq("book_id", 4)
      .single();
    expect(nested.data).toEqual({ publisher_id: 3, title: "Kindred", author: "Octavia Butler" });
    await withConfig({ db_aggregates_enabled: "true" }, aggregatesOn, async () => {
      const perAuthor = await db
        .from("books")
        .select("...authors!author_id(name), count(), price.max()");
      expect(perAuthor.error).toBeNull();
      expect(
        (perAuthor.data as { name: string }[]).sort((a, b) => a.name.localeCompare(b.name)),
      ).toEqual([
        { name: "Iain Banks", count: 1, max: 11.0 },
        { name: "Octavia Butler", count: 2, max: 15.0 },
        { name: "Ursula Le Guin", count: 3, max: 12.5 },
      ]);
      // Aggregates inside to-one spreads are computed by the parent, grouped by its other columns.
      const hoisted = await db
        .from("book_publishers")
        .select("...books(...authors!author_id(name), total:price.sum(), n:count())");
      expect(hoisted.error).toBeNull();
      expect(
        (hoisted.data as { name: string }[]).sort((a, b) => a.name.localeCompare(b.name)),
      ).toEqual([
        { name: "Iain Banks", total: 11.0, n: 1 },
        { name: "Octavia Butler", total: 15.0, n: 1 },
        { name: "Ursula Le Guin", total: 32.48, n: 3 },
      ]);
      const perPublisher = await db
        .from("book_publishers")
        .select("publisher_id, ...books(...authors!author_id(id.count()))")
        .order("publisher_id");
      expect(perPublisher.data).toEqual([
        { publisher_id: 1, count: 1 },
        { publisher_id: 2, count: 2 },
        { publisher_id: 3, count: 2 },
      ]);
      const toMany = await http("/authors?select=name,...books!author_id(price.sum())");
      expect(toMany.json).toEqual({
        code: "PGRST127",
        details: "Aggregates are not implemented for one-to-many or many-to-many spreads.",
        hint: null,
        message: "Feature not implemented",
      });
    });
  });

  it("lists PGRST203's candidates in PostgREST's order", async () => {
    const res = await http("/rpc/ambiguous?arg=value");
    expect(res.status).toBe(300);
    expect(res.json).toEqual({
      code: "PGRST203",
      details: null,
      hint: "Try renaming the parameters or the function itself in the database so function overloading can be resolved",
      message:
        "Could not choose the best candidate function between: public.ambiguous(arg => integer), public.ambiguous(arg => xml), public.ambiguous(arg => text, num => integer)",
    });
  });

  it("explains with the Query Identifier when verbose", async () => {
    const plans = async () =>
      (await http("/books", { headers: { Accept: "application/vnd.pgrst.plan+json" } })).status ===
      200;
    await withConfig({ db_plan_enabled: "true" }, plans, async () => {
      const res = await http("/books?select=title,writer(name)", {
        headers: { Accept: "application/vnd.pgrst.plan+json; options=verbose" },
      });
      expect(res.status).toBe(200);
      const [plan] = res.json as [{ "Query Identifier"?: number; Plan: unknown }];
      expect(typeof plan["Query Identifier"]).toBe("number");
      const { data } = await anonClient()
        .from("books")
        .select("title")
        .explain({ verbose: true, format: "text" });
      expect(String(data)).toMatch(/Query Identifier: -?\d+/);
    });
  });
});
