// Attendance (sql/0005_attendance.sql): check-in by token and by registration, per session, and
// offline scans synced later.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { domainStack, pgError, type Db, type DomainStack } from "./helpers.ts";
import { domainFixtures, soon } from "./fixtures.ts";

let stack: DomainStack;
let db: Db;

beforeAll(async () => {
  stack = await domainStack();
  db = stack.db;
});

afterAll(async () => {
  await stack?.stop();
});

const { newOrganization, newEvent, register, registration } = domainFixtures(() => db);

describe("attendance", () => {
  it("checks in by token once per session; a second scan answers already_checked_in", async () => {
    const org = await newOrganization();
    const eventId = await newEvent(org.id, { cpd_credits: 2, ...soon() });
    const sessions = await db.sql<{ id: string }>(
      `insert into public.event_sessions (event_id, title, starts_at, ends_at) values
         ($1, 'Day 1', now(), now() + interval '2 hours'), ($1, 'Day 2', now() + interval '1 day', now() + interval '1 day 2 hours')
       returning id`,
      [eventId],
    );
    const user = await db.createUser();
    const reg = await register(user, eventId);
    const checkIn = (claims: typeof user.claims, token: string, session?: string) =>
      db.rpc<{ result: string; checked_in_at: string; display_name: string }>(
        claims,
        "check_in_by_token",
        {
          p_token: token,
          p_event_id: eventId,
          ...(session ? { p_session_id: session } : {}),
        },
      );

    expect(await pgError(checkIn(user.claims, reg.check_in_token, sessions[0]!.id))).toMatchObject({
      code: "PT404",
    });
    expect(await pgError(checkIn(org.staff.claims, "not-a-token", sessions[0]!.id))).toMatchObject({
      code: "PT404",
    });
    expect(await pgError(checkIn(org.staff.claims, reg.check_in_token))).toMatchObject({
      code: "22023",
      message: "pass the session of this event being checked in",
    });
    const [first] = await checkIn(org.staff.claims, reg.check_in_token, sessions[0]!.id);
    expect(first).toMatchObject({ result: "checked_in" });
    const [second] = await checkIn(org.staff.claims, reg.check_in_token, sessions[0]!.id);
    expect(second).toMatchObject({
      result: "already_checked_in",
      checked_in_at: first!.checked_in_at,
    });
    const [day2] = await checkIn(org.admin.claims, reg.check_in_token, sessions[1]!.id);
    expect(day2!.result).toBe("checked_in");
    expect((await registration(reg.id)).attended_at).not.toBeNull();
    // The first check-in earned the event's CPD credits, once.
    expect(
      await db.sql(
        "select credits::float as credits from public.cpd_credit_entries where registration_id = $1",
        [reg.id],
      ),
    ).toEqual([{ credits: 2 }]);

    const [summary, ...perSession] = await db.rpc<{
      session_id: string | null;
      confirmed_count: number;
      checked_in_count: number;
    }>(org.staff.claims, "event_attendance_summary", { p_event_id: eventId });
    expect(summary).toMatchObject({ session_id: null, confirmed_count: 1, checked_in_count: 1 });
    expect(perSession.map((s) => s.checked_in_count)).toEqual([1, 1]);
    expect(
      await pgError(db.rpc(org.member.claims, "event_attendance_summary", { p_event_id: eventId })),
    ).toMatchObject({ code: "PT404" });

    // Not confirmed: refused.
    const waiting = await newEvent(org.id, { capacity: 1, ...soon() });
    await register(await db.createUser(), waiting);
    const late = await register(await db.createUser(), waiting);
    expect(
      await pgError(
        db.rpc(org.staff.claims, "check_in_by_token", { p_token: late.check_in_token }),
      ),
    ).toMatchObject({
      code: "PT409",
      message: "this registration is not confirmed",
    });
    // Manual check-in by registration id.
    const walkIn = await register(await db.createUser(), eventId);
    const [manual] = await db.rpc<{ result: string }>(org.staff.claims, "check_in_registration", {
      p_registration_id: walkIn.id,
      p_session_id: sessions[1]!.id,
    });
    expect(manual!.result).toBe("checked_in");
  });

  it("offline scans synced later are recorded once and keep their scan time", async () => {
    const org = await newOrganization();
    const eventId = await newEvent(org.id, {
      starts_at: new Date(Date.now() - 36e5).toISOString(),
      ends_at: new Date(Date.now() + 36e5).toISOString(),
    });
    await db.sql("update public.events set registration_closes_at = null where id = $1", [eventId]);
    // Registration closed when the event started: register through the hook-free path.
    const [a, b] = [await db.createUser(), await db.createUser()];
    const tokens: string[] = [];
    for (const user of [a, b]) {
      const [row] = await db.sql<{ check_in_token: string }>(
        "insert into public.event_registrations (event_id, user_id, status, confirmed_at) values ($1, $2, 'confirmed', now()) returning check_in_token",
        [eventId, user.id],
      );
      tokens.push(row!.check_in_token);
    }
    const scannedAt = new Date(Date.now() - 30 * 60e3).toISOString();
    const scans = [
      { token: tokens[0], scanned_at: scannedAt, ref: "s1" },
      { token: tokens[1], scanned_at: scannedAt, ref: "s2" },
      { token: "bogus", scanned_at: scannedAt, ref: "s3" },
      { token: tokens[0], scanned_at: new Date(Date.now() + 36e5).toISOString(), ref: "s4" },
      { token: tokens[0], scanned_at: new Date(Date.now() - 10 * 60e3).toISOString(), ref: "s5" },
      { token: tokens[1], scanned_at: "yesterday-ish", ref: "s6" },
    ];
    const results = await db.rpc<{
      result: string;
      client_ref: string;
      checked_in_at: Date | null;
    }>(org.staff.claims, "sync_offline_check_ins", {
      p_scans: JSON.stringify(scans),
      p_device_id: "scanner-1",
    });
    expect(results.map((r) => [r.client_ref, r.result])).toEqual([
      ["s1", "checked_in"],
      ["s2", "checked_in"],
      ["s3", "invalid_token"],
      ["s4", "invalid_scan_time"],
      ["s5", "already_checked_in"],
      ["s6", "invalid_scan_time"],
    ]);
    expect(new Date(results[0]!.checked_in_at!).toISOString()).toBe(scannedAt);
    // Synced again (a retry): nothing new, the scan time kept.
    const again = await db.rpc<{ result: string; checked_in_at: Date }>(
      org.staff.claims,
      "sync_offline_check_ins",
      { p_scans: JSON.stringify(scans.slice(0, 1)) },
    );
    expect(again[0]).toMatchObject({ result: "already_checked_in" });
    expect(new Date(again[0]!.checked_in_at).toISOString()).toBe(scannedAt);
    expect(
      await db.sql(
        "select count(*)::int as n, min(method::text) as method from public.event_check_ins where event_id = $1",
        [eventId],
      ),
    ).toEqual([{ n: 2, method: "offline" }]);
    expect(
      await pgError(
        db.rpc(org.staff.claims, "sync_offline_check_ins", { p_scans: '{"token": "x"}' }),
      ),
    ).toMatchObject({ code: "22023" });
    const outsider = await db.createUser();
    const refused = await db.rpc<{ result: string }>(outsider.claims, "sync_offline_check_ins", {
      p_scans: JSON.stringify(scans.slice(1, 2)),
    });
    expect(refused.map((r) => r.result)).toEqual(["invalid_token"]);
  });
});
