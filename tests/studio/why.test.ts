// "Why was it allowed?" checked against the RLS matrix's known cases for a draft event
// (tests/domain/rls-matrix.test.ts: staff read and create events, members and anon do not, the
// service role bypasses RLS): each explanation's outcome is the same as the statement run as that
// caller the way the matrix runs it (attemptAs), and names the policy that decided.
import { randomUUID } from "node:crypto";
import type { Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, db, sql, stack, type TestUser } from "../helpers/db.ts";
import { attemptAs } from "../helpers/rls-matrix.ts";
import { launchBrowser, openSection, studioFetch } from "../helpers/studio.ts";
import { accessTokenFor } from "../helpers/supabase.ts";

let staff: TestUser;
let member: TestUser;
let orgId: string;
let draftId: string;
let browser: Browser;

beforeAll(async () => {
  // The organization's creator becomes its owner: a third user, so staff and member stay just that.
  [staff, member] = await Promise.all([createUser(), createUser()]);
  const owner = await createUser();
  orgId = randomUUID();
  draftId = randomUUID();
  const tag = randomUUID().slice(0, 8);
  await sql(
    `insert into public.organizations (id, slug, display_name, city, created_by) values ($1, $2, 'Why Org', 'Jakarta', $3)`,
    [orgId, `why-${tag}`, owner.id],
  );
  await sql(
    `insert into public.organization_members (organization_id, user_id, role) values ($1, $2, 'staff'), ($1, $3, 'member')`,
    [orgId, staff.id, member.id],
  );
  await sql(
    `insert into public.events (id, organization_id, slug, title, venue_name, starts_at, ends_at, status)
     values ($1, $2, $3, 'Draft', 'Hall', now() + interval '1 day', now() + interval '2 days', 'draft')`,
    [draftId, orgId, `why-${tag}`],
  );
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

const why = (body: Record<string, unknown>) =>
  studioFetch("/tables/rel/public/events/why", { method: "POST", body });

const newEvent = () => ({
  organization_id: orgId,
  slug: `why-new-${randomUUID().slice(0, 8)}`,
  title: "New",
  venue_name: "Hall",
  starts_at: "2030-01-01T10:00:00Z",
  ends_at: "2030-01-01T12:00:00Z",
});

describe("why was it allowed, against the RLS matrix's events row", () => {
  it("anon cannot read a draft: its only SELECT policy admits none of the row", async () => {
    const { status, body } = await why({ as: "anon", key: { id: draftId } });
    expect(status).toBe(200);
    expect(body.outcome).toMatchObject({ allowed: false, rows: 0 });
    const anonPolicy = body.policies.find((p: any) => p.applies);
    expect(anonPolicy).toMatchObject({
      name: "events: anonymous visitors read public events",
      admits: 0,
      of: 1,
    });
    expect(body.policies.filter((p: any) => p.applies)).toHaveLength(1);
    expect(
      await attemptAs(
        db(),
        { role: "anon" },
        `select 1 from public.events where id = '${draftId}'`,
      ),
    ).toEqual({ rows: 0 });
  });

  it("staff read the draft through the staff policy; a member does not", async () => {
    const asStaff = await why({ as: `user:${staff.id}`, key: { id: draftId } });
    expect(asStaff.body.outcome.rows).toBe(1);
    expect(asStaff.body.sub).toBe(staff.id);
    expect(
      asStaff.body.policies.find((p: any) => p.name.startsWith("events: signed-in users read")),
    ).toMatchObject({ applies: true, admits: 1, of: 1 });

    const asMember = await why({ as: `user:${member.id}`, key: { id: draftId } });
    expect(asMember.body.outcome.rows).toBe(0);
    expect(
      asMember.body.policies.find((p: any) => p.name.startsWith("events: signed-in users read")),
    ).toMatchObject({ applies: true, admits: 0, of: 1 });
    expect(
      await attemptAs(db(), member.claims, `select 1 from public.events where id = '${draftId}'`),
    ).toEqual({ rows: 0 });
  });

  it("a member's insert is refused by the failing WITH CHECK; staff's passes", async () => {
    const refused = await why({ as: `user:${member.id}`, operation: "insert", values: newEvent() });
    expect(refused.body.outcome.allowed).toBe(false);
    expect(refused.body.outcome.error).toMatch(/row-level security/);
    expect(refused.body.policies.find((p: any) => p.name === "events: staff create")).toMatchObject(
      {
        applies: true,
        checkPassed: false,
      },
    );
    expect(refused.body.outcome.summary).toMatch(/events: staff create: false/);

    const allowed = await why({ as: `user:${staff.id}`, operation: "insert", values: newEvent() });
    expect(allowed.body.outcome).toMatchObject({ allowed: true, rows: 1 });
    expect(allowed.body.policies.find((p: any) => p.name === "events: staff create")).toMatchObject(
      {
        checkPassed: true,
      },
    );
    // Nothing was kept: the explanation rolls back.
    expect(
      await sql(`select 1 from public.events where organization_id = $1`, [orgId]),
    ).toHaveLength(1);
  });

  it("the service role bypasses RLS", async () => {
    const { body } = await why({ as: "service_role", key: { id: draftId } });
    expect(body.bypass).toMatch(/BYPASSRLS/);
    expect(body.outcome.rows).toBe(1);
  });

  it("shows the explanation in the table editor", async () => {
    const page = await openSection(browser, "tables", ["public", "events"]);
    await page.waitForSelector("#rows[data-count]");
    await page.select("#as", "anon");
    await page.click("#why-button");
    await page.waitForSelector("#why tr[data-policy]");
    expect(
      await page.$eval(
        '#why tr[data-policy="events: anonymous visitors read public events"]',
        (row) => (row as HTMLElement).dataset.applies,
      ),
    ).toBe("true");
    expect(await page.$eval("#why-summary", (node) => node.textContent)).toMatch(/rows? visible/);
    await page.close();
  });
});

/** A REST request as `user`, then its explanation from the request log. */
async function logged(user: TestUser, method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack().apiUrl}/rest/v1/${path}`, {
    method,
    headers: {
      apikey: stack().anonKey,
      Authorization: `Bearer ${await accessTokenFor(user)}`,
      "Content-Type": "application/json",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.text();
  // The log lists the newest first.
  const { body: log } = await studioFetch(
    `/logs/requests?method=${method}&path=${encodeURIComponent(`/rest/v1/${path}`)}`,
  );
  const request = log[0];
  const why = await studioFetch(`/tables/why/request/${request.id}`);
  return { status: response.status, answer, why: why.body };
}

describe("why was a logged REST request allowed, on the rows it addressed", () => {
  const reader = (body: any) =>
    body.policies.find((p: any) => p.name.startsWith("events: signed-in users read"));

  it("a member reading the draft gets no row: the staff-or-public policy admits none of it", async () => {
    const { status, answer, why } = await logged(member, "GET", `events?id=eq.${draftId}`);
    expect([status, answer]).toEqual([200, "[]"]);
    expect(why.operation).toBe("select");
    // Only the one row the filter names, not the whole table.
    expect(reader(why)).toMatchObject({ applies: true, admits: 0, of: 1 });
    expect(
      await attemptAs(db(), member.claims, `select 1 from public.events where id = '${draftId}'`),
    ).toEqual({ rows: 0 });

    const asStaff = await logged(staff, "GET", `events?id=eq.${draftId}&select=id`);
    expect(reader(asStaff.why)).toMatchObject({ admits: 1, of: 1 });
  });

  it("a member's refused insert names the failing WITH CHECK", async () => {
    const { status, answer, why } = await logged(member, "POST", "events", newEvent());
    expect(status).toBe(403);
    expect(JSON.parse(answer).code).toBe("42501");
    expect(why.outcome.allowed).toBe(false);
    expect(why.policies.find((p: any) => p.name === "events: staff create")).toMatchObject({
      applies: true,
      checkPassed: false,
    });
    expect(why.outcome.summary).toMatch(/events: staff create: false/);
  });

  it("staff's update is allowed: USING admits the row, WITH CHECK passes the new one", async () => {
    const path = `events?id=eq.${draftId}`;
    const asMember = await logged(member, "PATCH", path, { title: "Member's" });
    expect(asMember.status).toBe(204);
    expect(asMember.why.policies.find((p: any) => p.name === "events: staff update")).toMatchObject(
      { applies: true, admits: 0, of: 1 },
    );

    const { status, why } = await logged(staff, "PATCH", path, { title: "Staff's" });
    expect(status).toBe(204);
    expect(why.outcome.allowed).toBe(true);
    expect(why.policies.find((p: any) => p.name === "events: staff update")).toMatchObject({
      applies: true,
      admits: 1,
      of: 1,
      checkPassed: true,
    });
    expect(await sql(`select title from public.events where id = $1`, [draftId])).toEqual([
      { title: "Staff's" },
    ]);
  });
});
