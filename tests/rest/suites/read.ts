import pg from "pg";
import { describe, expect, it, vi } from "vitest";
import { anonClient, http, serviceClient, signedInUser, sql, stack } from "../context.ts";

describe("rest: reads with supabase-js", () => {
  it("selects columns, aliases, casts and JSON paths", async () => {
    const { data, error } = await anonClient()
      .from("books")
      .select(
        "id, name:title, price::text, pages:data->pages, series:data->series->>name, first_tag:tags->0",
      )
      .eq("id", 1)
      .single();
    expect(error).toBeNull();
    expect(data).toEqual({
      id: 1,
      name: "The Left Hand of Darkness",
      price: "9.99",
      pages: 304,
      series: "Hainish",
      first_tag: "classic",
    });
  });

  it("embeds many-to-one, one-to-many, many-to-many, one-to-one and self references", async () => {
    const db = anonClient();
    const book = await db
      .from("books")
      .select(
        "title, author:authors!author_id(name), editor:authors!editor_id(name), publishers(name)",
      )
      .eq("id", 1)
      .single();
    expect(book.data).toEqual({
      title: "The Left Hand of Darkness",
      author: { name: "Ursula Le Guin" },
      editor: { name: "Octavia Butler" },
      publishers: [{ name: "Ace" }, { name: "Harper" }],
    });
    const author = await db
      .from("authors")
      .select("name, author_stats(followers), books!author_id(title)")
      .eq("id", 2)
      .single();
    expect(author.data).toEqual({
      name: "Octavia Butler",
      author_stats: { followers: 800 },
      books: [{ title: "Kindred" }, { title: "Parable of the Sower" }],
    });
    const employee = await db
      .from("employees")
      .select("name, boss:manager_id(name), reports:employees!manager_id(name)")
      .eq("id", 2)
      .single();
    expect(employee.data).toEqual({
      name: "Brian",
      boss: { name: "Ada" },
      reports: [{ name: "Dana" }],
    });
  });

  it("answers an ambiguous embed with 300 PGRST201 and the hints", async () => {
    const { error, status } = await anonClient().from("books").select("title, authors(name)");
    expect(status).toBe(300);
    expect(error?.code).toBe("PGRST201");
    expect(error?.hint).toBe(
      "Try changing 'authors' to one of the following: 'authors!books_author_id_fkey', 'authors!books_editor_id_fkey'. Find the desired relationship in the 'details' key.",
    );
    expect(error?.details).toEqual([
      {
        cardinality: "many-to-one",
        embedding: "books with authors",
        relationship: "books_author_id_fkey using books(author_id) and authors(id)",
      },
      {
        cardinality: "many-to-one",
        embedding: "books with authors",
        relationship: "books_editor_id_fkey using books(editor_id) and authors(id)",
      },
    ]);
  });

  it("filters parents with !inner and embedded filters, orders and limits embeds", async () => {
    const db = anonClient();
    const inner = await db
      .from("books")
      .select("title, author:authors!author_id!inner(name)")
      .eq("author.name", "Iain Banks");
    expect(inner.data).toEqual([{ title: "Consider Phlebas", author: { name: "Iain Banks" } }]);
    const nested = await db
      .from("authors")
      .select("name, books!author_id(title)")
      .order("id")
      .order("title", { referencedTable: "books", ascending: false })
      .limit(1, { referencedTable: "books" });
    expect(nested.data).toEqual([
      { name: "Ursula Le Guin", books: [{ title: "The Left Hand of Darkness" }] },
      { name: "Octavia Butler", books: [{ title: "Parable of the Sower" }] },
      { name: "Iain Banks", books: [{ title: "Consider Phlebas" }] },
    ]);
    const withoutStats = await db
      .from("authors")
      .select("name, author_stats(followers)")
      .is("author_stats", null);
    expect(withoutStats.data).toEqual([{ name: "Iain Banks", author_stats: null }]);
  });

  it("spreads a to-one embed into its parent", async () => {
    const { data } = await anonClient()
      .from("books")
      .select("title, ...authors!author_id(author:name)")
      .in("id", [4, 6])
      .order("id");
    expect(data).toEqual([
      { title: "Kindred", author: "Octavia Butler" },
      { title: "Consider Phlebas", author: "Iain Banks" },
    ]);
  });

  it("embeds through a view and reads a computed field", async () => {
    const db = anonClient();
    const view = await db.from("book_titles").select("title, authors(name)").eq("id", 4).single();
    expect(view.data).toEqual({ title: "Kindred", authors: { name: "Octavia Butler" } });
    const computed = await db.from("authors").select("name, book_count").order("id");
    expect(computed.data).toEqual([
      { name: "Ursula Le Guin", book_count: 3 },
      { name: "Octavia Butler", book_count: 2 },
      { name: "Iain Banks", book_count: 1 },
    ]);
  });

  it("applies every filter operator", async () => {
    const db = anonClient();
    const ids = async (query: PromiseLike<{ data: { id: number }[] | null; error: unknown }>) => {
      const { data, error } = await query;
      expect(error).toBeNull();
      return data!.map((row) => row.id).sort((a, b) => a - b);
    };
    const books = () => db.from("books").select("id");
    expect(await ids(books().eq("genre", "fantasy"))).toEqual([3]);
    expect(await ids(books().neq("genre", "sf"))).toEqual([3]);
    expect(await ids(books().gt("published", 1980))).toEqual([5, 6]);
    expect(await ids(books().gte("published", 1979).lt("published", 1990))).toEqual([4, 6]);
    expect(await ids(books().lte("published", 1968))).toEqual([3]);
    expect(await ids(books().like("title", "%Dark%"))).toEqual([1]);
    expect(await ids(books().ilike("title", "%the%"))).toEqual([1, 2, 5]);
    expect(await ids(books().match({ genre: "sf", author_id: 2 }))).toEqual([4, 5]);
    expect(await ids(books().filter("title", "match", "^The"))).toEqual([1, 2]);
    expect(await ids(books().filter("title", "imatch", "^the"))).toEqual([1, 2]);
    expect(await ids(books().in("id", [2, 4, 9]))).toEqual([2, 4]);
    expect(await ids(books().is("price", null))).toEqual([5]);
    expect(await ids(books().not("price", "is", null).gt("price", 12))).toEqual([2, 4]);
    expect(await ids(books().contains("tags", ["classic", "gender"]))).toEqual([1]);
    expect(await ids(books().containedBy("tags", ["classic", "anarchy", "time"]))).toEqual([
      2, 3, 4,
    ]);
    expect(await ids(books().overlaps("tags", ["space", "time"]))).toEqual([4, 6]);
    expect(await ids(books().contains("data", { series: { name: "Hainish" } }))).toEqual([1, 2]);
    expect(await ids(books().textSearch("summary", "wizard", { config: "english" }))).toEqual([3]);
    expect(await ids(books().textSearch("summary", "two worlds", { type: "plain" }))).toEqual([2]);
    expect(await ids(books().textSearch("summary", "time travel", { type: "phrase" }))).toEqual([
      4,
    ]);
    expect(await ids(books().textSearch("summary", "war -peace", { type: "websearch" }))).toEqual([
      6,
    ]);
    expect(await ids(books().filter("published", "isdistinct", 1969))).toEqual([2, 3, 4, 5, 6]);
    expect(await ids(books().filter("title", "ilike(any)", "{*wizard*,*kindred*}"))).toEqual([
      3, 4,
    ]);
    expect(await ids(books().filter("id", "gt(all)", "{1,4}"))).toEqual([5, 6]);
    expect(await ids(books().gt("data->pages", 400))).toEqual([6]);
    expect(await ids(books().eq("data->series->>name", "Culture"))).toEqual([6]);
  });

  it("combines or/and/not to any depth", async () => {
    const db = anonClient();
    const { data } = await db
      .from("books")
      .select("id")
      .or("genre.eq.fantasy,and(published.gt.1990,price.is.null)")
      .order("id");
    expect(data).toEqual([{ id: 3 }, { id: 5 }]);
    const nested = await db
      .from("books")
      .select("id")
      .or("and(genre.eq.sf,or(id.eq.1,id.eq.6)),id.eq.3")
      .not("id", "eq", 6)
      .order("id");
    expect(nested.data).toEqual([{ id: 1 }, { id: 3 }]);
    const embedded = await db
      .from("authors")
      .select("id, books!author_id(id)")
      .or("published.lt.1970,id.eq.5", { referencedTable: "books" })
      .eq("id", 1);
    expect(embedded.data).toEqual([{ id: 1, books: [{ id: 1 }, { id: 3 }] }]);
  });

  it("orders with nulls first/last, pages with range and counts", async () => {
    const db = anonClient();
    const ordered = await db
      .from("books")
      .select("id")
      .order("price", { ascending: false, nullsFirst: true })
      .limit(2);
    expect(ordered.data).toEqual([{ id: 5 }, { id: 4 }]);
    const page = await db.from("books").select("id", { count: "exact" }).order("id").range(2, 3);
    expect(page.data).toEqual([{ id: 3 }, { id: 4 }]);
    expect(page.count).toBe(6);
    expect(page.status).toBe(206);
    const head = await db
      .from("books")
      .select("*", { count: "exact", head: true })
      .eq("genre", "sf");
    expect(head.count).toBe(5);
    expect(head.data).toBeNull();
    const planned = await db.from("books").select("id", { count: "planned" });
    expect(typeof planned.count).toBe("number");
    const related = await db
      .from("books")
      .select("id, authors!author_id(name)")
      .order("authors(name)", { ascending: true })
      .order("id")
      .limit(2);
    expect(related.data?.map((r) => r.id)).toEqual([6, 4]);
  });

  it("answers reads of one shape with ever new comparison values, each with its own", async () => {
    // Such reads share one plan, its values bound per request (RequestShapes).
    const db = anonClient();
    const books = await sql<{ id: number; title: string; author: string }>(
      "select b.id::int as id, b.title, a.name as author from public.books b join public.authors a on a.id = b.author_id order by b.id",
    );
    for (const book of books) {
      const one = await db
        .from("books")
        .select("title, authors!author_id(name)")
        .eq("id", book.id)
        .single();
      expect(one.data).toEqual({ title: book.title, authors: { name: book.author } });
      const byTitle = await db.from("books").select("id").eq("title", book.title);
      expect(byTitle.data).toEqual([{ id: book.id }]);
      // The same value twice is two parameters, each bound.
      const between = await db.from("books").select("id").gte("id", book.id).lte("id", book.id);
      expect(between.data).toEqual([{ id: book.id }]);
      const others = await db
        .from("books")
        .select("id, authors!author_id!inner(name)")
        .neq("authors.name", book.author)
        .order("id");
      expect(others.data?.map((r) => r.id)).toEqual(
        books.filter((b) => b.author !== book.author).map((b) => b.id),
      );
    }
    for (const title of ["a+b c", "100%", `it's "quoted"`, "ünï & more"]) {
      const none = await db.from("books").select("id").eq("title", title);
      expect(none.data).toEqual([]);
    }
    // Content-Location and a planned count are the request's own too.
    for (const id of [2, 5]) {
      const res = await http(`/books?select=id&id=gte.${id}&order=id`, {
        headers: { Prefer: "count=planned" },
      });
      expect(res.json).toEqual(books.filter((b) => b.id >= id).map((b) => ({ id: b.id })));
      expect(res.headers.get("content-location")).toBe(`/books?id=gte.${id}&order=id&select=id`);
      expect(res.headers.get("content-range")).toMatch(/^0-\d+\/\d+$/);
    }
  });

  it("returns one object with single/maybeSingle and 406 otherwise", async () => {
    const db = anonClient();
    const one = await db.from("authors").select("name").eq("id", 3).single();
    expect(one.data).toEqual({ name: "Iain Banks" });
    const none = await db.from("authors").select("name").eq("id", 99).maybeSingle();
    expect(none.data).toBeNull();
    expect(none.error).toBeNull();
    const many = await db.from("authors").select("name").single();
    expect(many.status).toBe(406);
    expect(many.error).toMatchObject({
      code: "PGRST116",
      message: "Cannot coerce the result to a single JSON object",
      details: "The result contains 3 rows",
    });
  });

  it("commits a singular read of one row and rolls back one of several", async () => {
    // A notification from a computed field is sent only if the read's transaction commits.
    const listener = new pg.Client({ connectionString: stack().dbUrl });
    await listener.connect();
    try {
      const heard: string[] = [];
      listener.on("notification", (n) => heard.push(n.payload ?? ""));
      await listener.query("listen author_reads");
      const db = anonClient();
      const one = await db.from("authors").select("name, announced").eq("id", 3).single();
      expect(one.data).toEqual({ name: "Iain Banks", announced: "Iain Banks" });
      const several = await db.from("authors").select("name, announced").single();
      expect(several.status).toBe(406);
      expect(several.error).toMatchObject({
        code: "PGRST116",
        details: "The result contains 3 rows",
      });
      const none = await db.from("authors").select("name, announced").eq("id", 99).single();
      expect(none.status).toBe(406);
      expect(none.error).toMatchObject({
        code: "PGRST116",
        details: "The result contains 0 rows",
      });
      // Notifications arrive in commit order: once this one is heard, the reads' would have been.
      await sql("select pg_notify('author_reads', 'last')");
      await vi.waitFor(() => expect(heard.at(-1)).toBe("last"));
      expect(heard).toEqual(["Iain Banks", "last"]);
    } finally {
      await listener.end();
    }
  });

  it("reads csv and another schema by profile", async () => {
    const db = anonClient();
    const csv = await db.from("authors").select("id,name").lte("id", 2).order("id").csv();
    expect(csv.data).toBe('id,name\n1,"Ursula Le Guin"\n2,"Octavia Butler"');
    const gadgets = await db.schema("extra").from("gadgets").select("name");
    expect(gadgets.data).toEqual([{ name: "sprocket" }]);
  });

  it("shows a signed-in user only their rows under RLS, and anon none", async () => {
    const alice = await signedInUser();
    const bob = await signedInUser();
    await sql(
      "insert into public.todos (user_id, task) values ($1, 'alice 1'), ($1, 'alice 2'), ($2, 'bob 1')",
      [alice.id, bob.id],
    );
    const mine = await alice.client.from("todos").select("task, user_id").order("task");
    expect(mine.data).toEqual([
      { task: "alice 1", user_id: alice.id },
      { task: "alice 2", user_id: alice.id },
    ]);
    const bobs = await bob.client.from("todos").select("task");
    expect(bobs.data).toEqual([{ task: "bob 1" }]);
    const anon = await anonClient().from("todos").select("task");
    expect(anon.data).toEqual([]);
    const all = await serviceClient()
      .from("todos")
      .select("task")
      .in("user_id", [alice.id, bob.id]);
    expect(all.data).toHaveLength(3);
  });
});
