// The events list under RLS (sql/0071_published_events_index.sql): the SDK's list (published,
// from a date, soonest first, a page) reads published events by index for anon and signed-in
// people, and still shows each of them what the policies allow. Its title search
// (sql/0073_event_search.sql, search_events) finds the same events as `title ilike` under RLS.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  anon,
  domainStack,
  serviceRole,
  type Claims,
  type Db,
  type DomainStack,
} from "./helpers.ts";
import { domainFixtures } from "./fixtures.ts";
import { supabaseClient } from "../helpers/supabase.ts";
import { stack as sharedStack } from "../helpers/db.ts";

let stack: DomainStack;
let db: Db;

beforeAll(async () => {
  stack = await domainStack();
  db = stack.db;
});

afterAll(async () => {
  await stack?.stop();
});

const { newOrganization, newEvent } = domainFixtures(() => db);

/** events.list() as PostgREST filters it: `status=eq.published&starts_at=gte.…&order=starts_at&limit=50`. */
const list = `select id from public.events
  where status = 'published' and starts_at >= $1
  order by starts_at, id
  limit 50`;

interface PlanNode {
  "Node Type": string;
  "Index Name"?: string;
  "Index Cond"?: string;
  Plans?: PlanNode[];
}

const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];

/**
 * The plan's scans of events as `claims`. The test database holds few events, and on a small table
 * a sequential scan is cheapest whatever the indexes: with it disabled the plan shows which index
 * can serve the list under RLS.
 */
async function eventScans(claims: Claims, from: string): Promise<PlanNode[]> {
  return db.asRole(claims, async (client) => {
    await client.query("set local enable_seqscan = off");
    const { rows } = await client.query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
      `explain (format json) ${list}`,
      [from],
    );
    return nodes(rows[0]!["QUERY PLAN"][0].Plan).filter((n) => /Scan/.test(n["Node Type"]));
  });
}

describe("the events list under RLS", () => {
  it("reads published events by start through the partial index, for anon and signed-in people", async () => {
    const org = await newOrganization();
    await newEvent(org.id);
    const from = new Date().toISOString();
    for (const claims of [anon, org.member.claims]) {
      const scans = await eventScans(claims, from);
      expect(scans).toContainEqual(
        expect.objectContaining({
          "Index Name": "events_published_starts_at_idx",
          "Index Cond": expect.stringContaining("starts_at >="),
        }),
      );
      expect(scans.map((s) => s["Node Type"])).not.toContain("Seq Scan");
    }
  });

  it("shows the same published events to everyone, and drafts to no one in the list", async () => {
    const org = await newOrganization();
    // Far ahead, where no other test puts events.
    const from = new Date(Date.now() + (3000 + Math.floor(Math.random() * 1000)) * 864e5);
    const at = (days: number) => ({
      starts_at: new Date(from.getTime() + days * 864e5).toISOString(),
      ends_at: new Date(from.getTime() + days * 864e5 + 36e5).toISOString(),
    });
    const second = await newEvent(org.id, at(2));
    const first = await newEvent(org.id, at(1));
    await newEvent(org.id, { ...at(3), status: "draft" });
    await newEvent(null, { ...at(0), status: "draft" });
    const ids = async (claims: Claims) =>
      (await db.query<{ id: string }>(claims, list, [from.toISOString()])).map((r) => r.id);
    // The staff of the organization see its draft elsewhere, never in a list of published events.
    for (const claims of [anon, org.member.claims, org.staff.claims, serviceRole])
      expect(await ids(claims)).toEqual([first, second]);
  });
});

describe("search_events", () => {
  /** A future of its own, far ahead, where no other test puts events. */
  const farAhead = () => new Date(Date.now() + (5000 + Math.floor(Math.random() * 3000)) * 864e5);
  const at = (from: Date, days: number) => ({
    starts_at: new Date(from.getTime() + days * 864e5).toISOString(),
    ends_at: new Date(from.getTime() + days * 864e5 + 36e5).toISOString(),
  });
  const search = (claims: Claims, args: Record<string, unknown>) =>
    db.rpc<{ id: string }>(claims, "search_events", args).then((rows) => rows.map((r) => r.id));
  /** What the events table shows the caller for the same search, as `title=ilike` under RLS. */
  const ilike = (claims: Claims, pattern: string, from: Date) =>
    db
      .query<{ id: string }>(
        claims,
        `select id from public.events where status = 'published' and title ilike $1 and starts_at >= $2
         order by starts_at, id`,
        [pattern, from.toISOString()],
      )
      .then((rows) => rows.map((r) => r.id));

  it("finds published events whose title holds the words, soonest first, for every role", async () => {
    const org = await newOrganization();
    const from = farAhead();
    const word = `kaizen${Math.floor(Math.random() * 1e6)}`;
    const later = await newEvent(org.id, { ...at(from, 3), title: `Lean ${word} day` });
    const sooner = await newEvent(null, { ...at(from, 1), title: `${word.toUpperCase()} basics` });
    const cancelled = await newEvent(org.id, { ...at(from, 2), title: `${word} clinic` });
    await db.sql("update public.events set status = 'cancelled' where id = $1", [cancelled]);
    await newEvent(org.id, { ...at(from, 2), title: `${word} draft`, status: "draft" });
    await newEvent(org.id, { ...at(from, -2), title: `${word} gone by` });
    await newEvent(org.id, { ...at(from, 1), title: "Something else" });

    for (const claims of [anon, org.member.claims, org.staff.claims, serviceRole]) {
      const found = await search(claims, { search: word, starts_from: from.toISOString() });
      expect(found).toEqual([sooner, later]);
      expect(found).toEqual(await ilike(claims, `%${word}%`, from));
    }
    // A page, and no lower bound.
    expect(
      await search(anon, { search: word, starts_from: from.toISOString(), max_rows: 1 }),
    ).toEqual([sooner]);
    expect(await search(anon, { search: word })).toHaveLength(3);
  });

  it("takes LIKE's wildcards and escape character as typed", async () => {
    const org = await newOrganization();
    const from = farAhead();
    const tag = Math.floor(Math.random() * 1e6);
    const percent = await newEvent(org.id, { ...at(from, 1), title: `${tag} 50% off` });
    const underscore = await newEvent(org.id, { ...at(from, 2), title: `${tag} a_b` });
    const backslash = await newEvent(org.id, { ...at(from, 3), title: `${tag} c\\d` });
    await newEvent(org.id, { ...at(from, 4), title: `${tag} 500 off` });
    await newEvent(org.id, { ...at(from, 5), title: `${tag} axb` });
    await newEvent(org.id, { ...at(from, 6), title: `${tag} cd` });
    const starts_from = from.toISOString();
    expect(await search(anon, { search: `${tag} 50%`, starts_from })).toEqual([percent]);
    expect(await search(anon, { search: `${tag} a_b`, starts_from })).toEqual([underscore]);
    expect(await search(anon, { search: `${tag} c\\d`, starts_from })).toEqual([backslash]);
  });

  it("embeds like the events table through REST, and answers 400 to bad arguments", async () => {
    const org = await newOrganization();
    const from = farAhead();
    const word = `welding${Math.floor(Math.random() * 1e6)}`;
    const id = await newEvent(org.id, { ...at(from, 1), title: `${word} masterclass` });
    const client = supabaseClient(sharedStack().anonKey);
    const { data, error } = await client
      .rpc("search_events", { search: word, starts_from: from.toISOString() })
      .select("id, title, organization:organizations(id, display_name)");
    expect(error).toBeNull();
    expect(data).toEqual([
      { id, title: `${word} masterclass`, organization: { id: org.id, display_name: "Org" } },
    ]);

    for (const args of [
      { search: "" },
      { search: "   " },
      { search: "x".repeat(251) },
      { search: word, max_rows: 0 },
      { search: word, max_rows: 1001 },
    ]) {
      const refused = await client.rpc("search_events", args);
      expect(refused.status, JSON.stringify(args)).toBe(400);
      expect(refused.error?.code).toBe("22023");
    }
  });
});
