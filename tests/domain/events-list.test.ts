// The events list under RLS (sql/0071_published_events_index.sql): the SDK's list (published,
// from a date, soonest first, a page) reads published events by index for anon and signed-in
// people, and still shows each of them what the policies allow.

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
