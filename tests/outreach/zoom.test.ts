// Zoom meetings and Zoom's webhooks (0059_zoom) on a stack of its own whose functions talk to a
// fake Zoom (tests/outreach/fake-zoom.ts): staff create a meeting through the zoom function
// (Server-to-Server OAuth, then the meetings API), its join link reaches confirmed registrants
// only; the zoom-webhook function answers the validation challenge, refuses bad signatures and
// stale timestamps, records participant events once each in any order, and checks in a registrant
// who attended the threshold share, which earns the event's CPD credits.
import { createHmac, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Db, type TestUser } from "../helpers/db.ts";
import { signJwt } from "../helpers/supabase.ts";
import { domainFixtures } from "../domain/fixtures.ts";
import { spawnStack, type SpawnedStack } from "../../supabase/stack/spawn-stack.ts";
import { FakeZoom, organizationZoom, participantEvent, zoom, zoomHeaders } from "./fake-zoom.ts";

let stack: SpawnedStack;
let db: Db;
let functionsDir: string;
let fake: FakeZoom;
const { newEvent, register } = domainFixtures(() => db);

type Person = Awaited<ReturnType<Db["createUser"]>>;
let staff: Person;
let member: Person;
let eventId: string;
let meetingId: string;
// The meeting made in the organization's own Zoom account, and its event.
let ownMeetingId: string;
let ownEventId: string;
// An organization with a Zoom account of its own: its secrets are named after its id.
const ownAccountOrgId = randomUUID();
const ownSuffix = `_${ownAccountOrgId.replaceAll("-", "").toUpperCase()}`;
// One whose secrets are incomplete: refused, not made in the project's account.
const halfAppOrgId = randomUUID();
// Zoom reports whole seconds.
const start = new Date(Math.floor(Date.now() / 1000 + 3600) * 1000);

beforeAll(async () => {
  fake = await new FakeZoom().start();
  functionsDir = await mkdtemp(path.join(tmpdir(), "pitlane-zoom-fn-"));
  await writeFile(
    path.join(functionsDir, ".env"),
    [
      `ZOOM_ACCOUNT_ID=${zoom.accountId}`,
      `ZOOM_CLIENT_ID=${zoom.clientId}`,
      `ZOOM_CLIENT_SECRET=${zoom.clientSecret}`,
      `ZOOM_ACCOUNT_ID${ownSuffix}=${organizationZoom.accountId}`,
      `ZOOM_CLIENT_ID${ownSuffix}=${organizationZoom.clientId}`,
      `ZOOM_CLIENT_SECRET${ownSuffix}=${organizationZoom.clientSecret}`,
      `ZOOM_ACCOUNT_ID_${halfAppOrgId.replaceAll("-", "").toUpperCase()}=acc_half`,
      `ZOOM_WEBHOOK_SECRET_TOKEN=${zoom.webhookSecret}`,
      `ZOOM_WEBHOOK_SECRET_TOKEN${ownSuffix}=${organizationZoom.webhookSecret}`,
      `ZOOM_API_URL=${fake.url}/v2`,
      `ZOOM_OAUTH_URL=${fake.url}`,
      "",
    ].join("\n"),
  );
  stack = await spawnStack({ args: ["--functions", functionsDir] });
  db = new Db(stack.dbUrl);
  staff = await db.createUser({ full_name: "Zoom staff" });
  member = await db.createUser({ full_name: "Zoom member" });
  const [org] = await db.sql<{ id: string }>(
    "insert into public.organizations (slug, display_name, created_by) values ($1, 'Online Academy', $2) returning id",
    [`academy-${randomUUID().slice(0, 8)}`, staff.id],
  );
  eventId = await newEvent(org!.id, {
    title: "EV battery safety",
    format: "online",
    venue_name: null,
    cpd_credits: 3,
    starts_at: start.toISOString(),
    ends_at: new Date(start.getTime() + 36e5).toISOString(),
  });
});

afterAll(async () => {
  await db?.end();
  await stack?.stop();
  await fake?.stop();
  if (functionsDir) await rm(functionsDir, { recursive: true, force: true });
});

async function call(user: Pick<TestUser, "claims"> | null, route: string, body: unknown) {
  const now = Math.floor(Date.now() / 1000);
  const token = user
    ? await signJwt({ ...user.claims, iat: now, exp: now + 600 }, stack.jwtSecret)
    : stack.anonKey;
  const response = await fetch(`${stack.apiUrl}/functions/v1/${route}`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${token}`,
      apikey: stack.anonKey,
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function webhook(payload: unknown, headers?: Record<string, string>, route = "zoom-webhook") {
  const body = JSON.stringify(payload);
  const response = await fetch(`${stack.apiUrl}/functions/v1/${route}`, {
    method: "POST",
    headers: headers ?? zoomHeaders(body),
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const recorded = async () =>
  (
    await db.sql<{ n: number }>("select count(*)::integer as n from public.zoom_participant_events")
  )[0]!.n;

describe("meetings", () => {
  it("creates the event's meeting in Zoom for its staff, and gives the join link to confirmed registrants only", async () => {
    const outsider = await call(member, "zoom/meetings", { event_id: eventId });
    expect(outsider.status).toBe(404);
    expect(fake.meetings).toHaveLength(0);

    const created = await call(staff, "zoom/meetings", { event_id: eventId });
    expect(created.status).toBe(201);
    expect(fake.meetings).toEqual([
      {
        id: Number(created.body.zoom_meeting_id),
        topic: "EV battery safety",
        start_time: start.toISOString().replace(/\.\d{3}Z$/, "Z"),
        duration: 60,
        account: zoom.accountId,
      },
    ]);
    meetingId = String(created.body.zoom_meeting_id);
    expect(created.body).toMatchObject({
      event_id: eventId,
      duration_minutes: 60,
      attendance_threshold: 0.75,
    });

    const joinDetails = (claims: Person["claims"]) =>
      db.asRole(
        claims,
        async (client) =>
          (
            await client.query(
              "select join_url from public.event_join_details where event_id = $1",
              [eventId],
            )
          ).rows,
      );
    expect(await joinDetails(member.claims)).toEqual([]);
    await register(member, eventId);
    expect(await joinDetails(member.claims)).toEqual([
      { join_url: `https://us02web.zoom.us/j/${meetingId}?pwd=abc` },
    ]);

    const bad = await call(staff, "zoom/meetings", { event_id: "not-a-uuid" });
    expect(bad.status).toBe(400);
  });

  it("makes an organization's meetings with its own Zoom account when it has one", async () => {
    await db.sql(
      "insert into public.organizations (id, slug, display_name, created_by) values ($1, $2, 'Own Zoom', $3)",
      [ownAccountOrgId, `own-zoom-${ownAccountOrgId.slice(0, 8)}`, staff.id],
    );
    ownEventId = await newEvent(ownAccountOrgId, {
      title: "Own account",
      format: "online",
      venue_name: null,
      starts_at: start.toISOString(),
      ends_at: new Date(start.getTime() + 36e5).toISOString(),
    });
    const created = await call(staff, "zoom/meetings", { event_id: ownEventId });
    expect(created.status).toBe(201);
    ownMeetingId = String(created.body.zoom_meeting_id);
    const made = fake.meetings.length;
    await db.sql(
      "insert into public.organizations (id, slug, display_name, created_by) values ($1, $2, 'Half app', $3)",
      [halfAppOrgId, `half-zoom-${halfAppOrgId.slice(0, 8)}`, staff.id],
    );
    const halfEventId = await newEvent(halfAppOrgId, {
      format: "online",
      venue_name: null,
      starts_at: start.toISOString(),
      ends_at: new Date(start.getTime() + 36e5).toISOString(),
    });
    const refused = await call(staff, "zoom/meetings", { event_id: halfEventId });
    expect(refused).toMatchObject({ status: 503, body: { error: { code: "not_configured" } } });
    expect(fake.meetings).toHaveLength(made);
    expect(fake.meetings.find((m) => m.id === Number(created.body.zoom_meeting_id))).toMatchObject({
      topic: "Own account",
      account: organizationZoom.accountId,
    });
  });

  it("gives each session's meeting its own join link, and keeps the event's link on the first session's", async () => {
    const [org] = await db.sql<{ organization_id: string }>(
      "select organization_id from public.events where id = $1",
      [eventId],
    );
    const seriesId = await newEvent(org!.organization_id, {
      title: "EV series",
      format: "online",
      venue_name: null,
      starts_at: start.toISOString(),
      ends_at: new Date(start.getTime() + 3 * 36e5).toISOString(),
    });
    const sessions = await db.sql<{ id: string }>(
      `insert into public.event_sessions (event_id, title, starts_at, ends_at, position)
       values ($1, 'Part one', $2, $2::timestamptz + interval '1 hour', 1),
              ($1, 'Part two', $2::timestamptz + interval '2 hours', $2::timestamptz + interval '3 hours', 2)
       returning id`,
      [seriesId, start.toISOString()],
    );
    const [first, second] = sessions.map((row) => row.id);
    const links: string[] = [];
    for (const session_id of [first, second]) {
      const created = await call(staff, "zoom/meetings", { event_id: seriesId, session_id });
      expect(created.status).toBe(201);
      links.push(`https://us02web.zoom.us/j/${String(created.body.zoom_meeting_id)}?pwd=abc`);
    }

    const read = (claims: Person["claims"]) =>
      db.asRole(claims, async (client) => ({
        event: (
          await client.query("select join_url from public.event_join_details where event_id = $1", [
            seriesId,
          ])
        ).rows,
        sessions: (
          await client.query(
            "select session_id, join_url from public.event_session_join_details where event_id = $1 order by join_url = $2 desc",
            [seriesId, links[0]],
          )
        ).rows,
      }));
    const attendee = await db.createUser({ full_name: "Series attendee" });
    expect(await read(attendee.claims)).toEqual({ event: [], sessions: [] });
    const registration = await register(attendee, seriesId);
    expect(await read(attendee.claims)).toEqual({
      // The second session's meeting no longer replaces the first's as the event's link.
      event: [{ join_url: links[0] }],
      sessions: [
        { session_id: first, join_url: links[0] },
        { session_id: second, join_url: links[1] },
      ],
    });
    expect((await read(staff.claims)).sessions).toHaveLength(2);
    // The member registered for the other event only.
    expect(await read(member.claims)).toEqual({ event: [], sessions: [] });
    // Cancelling the registration takes the links away again.
    await db.rpc(attendee.claims, "cancel_registration", { p_registration_id: registration.id });
    expect(await read(attendee.claims)).toEqual({ event: [], sessions: [] });
  });

  it("the same meeting linked many times at once is recorded once without an error", async () => {
    // Linking an existing meeting twice at once (a double click, a retry). zoom_meeting_id has a
    // unique key of its own beside (event_id, session_id), the one ON CONFLICT names: two calls
    // that both found no row both inserted, and the second failed on the meeting id with 409
    // (0072). The window is narrow: 20 calls at once hit it in about 1 round of 20 without the
    // fix, so the test links 60 sessions' meetings, each 20 times at once.
    const [org] = await db.sql<{ organization_id: string }>(
      "select organization_id from public.events where id = $1",
      [eventId],
    );
    const burstEventId = await newEvent(org!.organization_id, {
      title: "EV burst",
      format: "online",
      venue_name: null,
      starts_at: start.toISOString(),
      ends_at: new Date(start.getTime() + 36e5).toISOString(),
    });
    const sessions = await db.sql<{ id: string }>(
      `insert into public.event_sessions (event_id, title, starts_at, ends_at, position)
       select $1, 'Part ' || g, $2, $2::timestamptz + interval '1 hour', g
       from generate_series(1, 60) g
       returning id`,
      [burstEventId, start.toISOString()],
    );
    // Ids the fake Zoom does not give (it counts from 80000000000).
    const zoomIds = sessions.map((_, round) => String(700000000000 + round));
    for (const [round, session] of sessions.entries()) {
      const errors = await db.atOnce(
        staff.claims,
        20,
        "select public.link_zoom_meeting($1, $2, 'https://us02web.zoom.us/j/' || $2, $3)",
        [burstEventId, zoomIds[round], session.id],
      );
      expect(errors.map((error) => error?.message)).toEqual(errors.map(() => undefined));
    }
    const meetings = await db.sql<{ zoom_meeting_id: string }>(
      "select zoom_meeting_id from public.zoom_meetings where event_id = $1 order by zoom_meeting_id",
      [burstEventId],
    );
    expect(meetings.map((meeting) => meeting.zoom_meeting_id)).toEqual(zoomIds);
  });
});

describe("webhooks", () => {
  it("answers Zoom's endpoint validation challenge", async () => {
    const { status, body } = await webhook({
      event: "endpoint.url_validation",
      payload: { plainToken: "qgg8vlvZRS6UYooatFL8Aw" },
      event_ts: Date.now(),
    });
    expect(status).toBe(200);
    expect(body).toEqual({
      plainToken: "qgg8vlvZRS6UYooatFL8Aw",
      encryptedToken: createHmac("sha256", zoom.webhookSecret)
        .update("qgg8vlvZRS6UYooatFL8Aw")
        .digest("hex"),
    });
  });

  it("refuses a bad signature or a stale timestamp, recording nothing", async () => {
    const payload = participantEvent("joined", meetingId, {
      uuid: "p-bad",
      email: member.email,
      at: start,
    });
    const body = JSON.stringify(payload);
    const before = await recorded();
    for (const headers of [
      zoomHeaders(body, undefined, "another secret"),
      zoomHeaders(body, Math.floor(Date.now() / 1000) - 600),
      { ...zoomHeaders(body), "x-zm-signature": "" },
      { "content-type": "application/json" },
    ]) {
      const response = await webhook(payload, headers);
      expect(response.status).toBe(400);
    }
    // A body changed after signing.
    const signed = zoomHeaders(body);
    const tampered = await fetch(`${stack.apiUrl}/functions/v1/zoom-webhook`, {
      method: "POST",
      headers: signed,
      body: body.replace("p-bad", "p-evil"),
    });
    expect(tampered.status).toBe(400);
    await tampered.arrayBuffer();
    expect(await recorded()).toBe(before);
  });

  it("records each event once, in any order, and checks in a registrant who attended the threshold share", async () => {
    const attendee = { uuid: "p-member", email: member.email.toUpperCase() };
    const left = participantEvent("left", meetingId, {
      ...attendee,
      at: new Date(start.getTime() + 50 * 60e3),
    });
    const joined = participantEvent("joined", meetingId, { ...attendee, at: start });
    // The leave arrives first: 0 minutes so far, nothing checked in.
    expect((await webhook(left)).body).toMatchObject({
      recorded: true,
      attended_seconds: 0,
      checked_in: false,
    });
    expect((await webhook(joined)).body).toMatchObject({
      recorded: true,
      attended_seconds: 3000,
      checked_in: true,
    });
    // Delivered again: counted once.
    expect((await webhook(joined)).body).toMatchObject({
      recorded: false,
      duplicate: true,
      attended_seconds: 3000,
    });
    const [registration] = await db.sql(
      `select r.attended_at, c.method::text, (select sum(credits)::float from public.cpd_credit_entries e where e.registration_id = r.id) as credits
       from public.event_registrations r join public.event_check_ins c on c.registration_id = r.id where r.event_id = $1 and r.user_id = $2`,
      [eventId, member.id],
    );
    expect(registration).toEqual({ attended_at: start, method: "zoom", credits: 3 });
  });

  it("does not check in a registrant below the threshold, nor anyone who is not registered", async () => {
    const late = await db.createUser({ full_name: "Late" });
    await register(late, eventId);
    const p = { uuid: "p-late", email: late.email };
    for (const [kind, minutes] of [
      ["joined", 0],
      ["left", 10],
      ["joined", 20],
      ["left", 40],
    ] as const) {
      const { body } = await webhook(
        participantEvent(kind, meetingId, { ...p, at: new Date(start.getTime() + minutes * 60e3) }),
      );
      expect(body.checked_in).toBe(false);
    }
    expect(
      (
        await webhook(
          participantEvent("left", meetingId, { ...p, at: new Date(start.getTime() + 41 * 60e3) }),
        )
      ).body,
    ).toMatchObject({ attended_seconds: 1800 });
    const stranger = { uuid: "p-stranger", email: "stranger@example.test" };
    await webhook(participantEvent("joined", meetingId, { ...stranger, at: start }));
    expect(
      (
        await webhook(
          participantEvent("left", meetingId, {
            ...stranger,
            at: new Date(start.getTime() + 59 * 60e3),
          }),
        )
      ).body,
    ).toMatchObject({ registration_id: null, checked_in: false });
    const checkIns = await db.sql(
      "select user_id from public.event_check_ins where event_id = $1",
      [eventId],
    );
    expect(checkIns).toEqual([{ user_id: member.id }]);
  });

  it("acknowledges events it does not use, and meetings it does not know", async () => {
    expect(
      (await webhook({ event: "meeting.started", payload: { object: { id: meetingId } } })).body,
    ).toEqual({ ignored: "meeting.started" });
    expect(
      (
        await webhook(
          participantEvent("joined", "99999999999", {
            uuid: "x",
            email: "x@example.test",
            at: start,
          }),
        )
      ).body,
    ).toEqual({ ignored: "unknown meeting" });
    expect(
      (
        await webhook({
          event: "meeting.participant_joined",
          payload: { object: { id: meetingId } },
        })
      ).status,
    ).toBe(400);
  });
});

describe("webhooks from an organization's own Zoom app", () => {
  const route = `zoom-webhook/${ownAccountOrgId}`;
  const signedByOrganization = (payload: unknown) =>
    zoomHeaders(JSON.stringify(payload), undefined, organizationZoom.webhookSecret);

  it("answers the validation challenge with the organization's secret token", async () => {
    const payload = { event: "endpoint.url_validation", payload: { plainToken: "own-plain" } };
    const { status, body } = await webhook(payload, signedByOrganization(payload), route);
    expect(status).toBe(200);
    expect(body.encryptedToken).toBe(
      createHmac("sha256", organizationZoom.webhookSecret).update("own-plain").digest("hex"),
    );
  });

  it("records attendance of the organization's meetings and checks its registrants in", async () => {
    const attendee = await db.createUser({ full_name: "Own account attendee" });
    await register(attendee, ownEventId);
    const p = { uuid: "p-own", email: attendee.email };
    for (const [kind, minutes] of [
      ["joined", 0],
      ["left", 55],
    ] as const) {
      const payload = participantEvent(kind, ownMeetingId, {
        ...p,
        at: new Date(start.getTime() + minutes * 60e3),
      });
      const { status, body } = await webhook(payload, signedByOrganization(payload), route);
      expect(status).toBe(200);
      expect(body).toMatchObject({ recorded: true, checked_in: kind === "left" });
    }
    const checkIns = await db.sql(
      "select user_id, method::text from public.event_check_ins where event_id = $1",
      [ownEventId],
    );
    expect(checkIns).toEqual([{ user_id: attendee.id, method: "zoom" }]);
  });

  it("records nothing for another organization's meeting, and refuses the other app's signature", async () => {
    const before = await recorded();
    // Signed by the organization's app, about the project's meeting of another organization.
    const elsewhere = participantEvent("joined", meetingId, {
      uuid: "p-forged",
      email: member.email,
      at: start,
    });
    expect(await webhook(elsewhere, signedByOrganization(elsewhere), route)).toEqual({
      status: 200,
      body: { ignored: "unknown meeting" },
    });
    // Each URL takes its own app's signature only.
    const own = participantEvent("joined", ownMeetingId, {
      uuid: "p-crossed",
      email: member.email,
      at: start,
    });
    expect((await webhook(own, zoomHeaders(JSON.stringify(own)), route)).status).toBe(400);
    expect((await webhook(own, signedByOrganization(own))).status).toBe(400);
    expect(await recorded()).toBe(before);
  });

  it("has no URL for an organization without a secret token of its own", async () => {
    const payload = { event: "endpoint.url_validation", payload: { plainToken: "x" } };
    for (const other of [randomUUID(), halfAppOrgId, "not-an-id", `${ownAccountOrgId}/extra`]) {
      const response = await webhook(
        payload,
        signedByOrganization(payload),
        `zoom-webhook/${other}`,
      );
      expect(response.status).toBe(404);
    }
  });
});
