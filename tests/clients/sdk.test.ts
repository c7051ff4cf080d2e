// The SDK (clients/, issue 21): every call of every domain module against the stack, once as it
// succeeds and once as it fails, the failure arriving as one PitlaneError with the status the
// service chose. A guard fails when a module gains a call this table does not exercise.
import { randomUUID } from "node:crypto";
import { createPitlaneClient, domains, PitlaneError, type PitlaneClient } from "@pitlane/sdk";
import { beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createUser, sql, stack, type TestUser } from "../helpers/db.ts";
import { randomVin } from "../service/helpers.ts";

const demoPassword = "pitlane-demo";
const missing = randomUUID();

function sdk(key = stack().anonKey, accessToken?: string): PitlaneClient {
  return createPitlaneClient(stack().apiUrl, key, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
    global: accessToken ? { headers: { Authorization: `Bearer ${accessToken}` } } : {},
  });
}

async function signedIn(email: string, password: string): Promise<PitlaneClient> {
  const client = sdk();
  const { error } = await client.auth.signInWithPassword({ email, password });
  if (error) throw error;
  return client;
}

const person = async (): Promise<{ user: TestUser; client: PitlaneClient }> => {
  const user = await createUser({ full_name: "SDK Person" });
  return { user, client: await signedIn(user.email, user.password) };
};

/** The PitlaneError a call rejects with; fails the test when it resolves or throws anything else. */
async function failure(call: () => Promise<unknown>): Promise<PitlaneError> {
  try {
    await call();
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(PitlaneError);
    return error as PitlaneError;
  }
  throw new Error("expected the call to fail");
}

const one = async <T>(text: string, params: unknown[] = []) =>
  (await sql<any>(text, params))[0] as T;

let anon: PitlaneClient;
/** Signed with another secret: every service refuses it with 401. */
let forged: PitlaneClient;
let member: Awaited<ReturnType<typeof person>>;
let other: Awaited<ReturnType<typeof person>>;
let citra: PitlaneClient; // admin of Nusantara
let dewi: PitlaneClient; // staff of Nusantara
let admin: PitlaneClient; // platform admin
let hadi: PitlaneClient; // staff of the Skills Academy, manages its survey
const skillsAcademy = "e0000000-0000-4000-8000-000000000002";
let nusantara: string;
let eventId: string;
let paidEventId: string;
let certificateHolder: PitlaneClient;
let certificate: { id: string; verification_code: string; registration_id: string };

beforeAll(async () => {
  anon = sdk();
  forged = sdk(
    stack().anonKey,
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoiYXV0aGVudGljYXRlZCIsInN1YiI6IjEifQ.c2lnbmF0dXJl",
  );
  [member, other, citra, dewi, admin, hadi] = await Promise.all([
    person(),
    person(),
    signedIn("citra@nusantara-club.test", demoPassword),
    signedIn("dewi@nusantara-club.test", demoPassword),
    signedIn("admin@pitlane.test", demoPassword),
    signedIn("hadi@skills-academy.test", demoPassword),
  ]);
  nusantara = (
    await one<{ organization_id: string }>(
      `select m.organization_id from public.organization_members m join auth.users u on u.id = m.user_id
        where u.email = 'dewi@nusantara-club.test'`,
    )
  ).organization_id;
  const newEvent = async (values: string) =>
    (
      await one<{ id: string }>(
        `insert into public.events (organization_id, slug, title, venue_name, starts_at, ends_at, status ${values ? ", capacity, price_amount, currency" : ""})
         values ($1, $2, 'SDK Test Day ' || $2, 'Hall', now() + interval '1 hour', now() + interval '5 hours', 'published' ${values})
         returning id`,
        [nusantara, `sdk-${randomUUID().slice(0, 8)}`],
      )
    ).id;
  eventId = await newEvent(", 2, 0, null");
  paidEventId = await newEvent(", 20, 150000, 'IDR'");
  const held = await one<{ id: string; email: string }>(
    `select c.id, c.verification_code, c.registration_id, u.email from public.certificates c
       join auth.users u on u.id = c.holder_id
      where c.revoked_at is null and c.registration_id is not null order by c.issued_at limit 1`,
  );
  certificate = held as never;
  certificateHolder = await signedIn(held.email, demoPassword);
});

type Case = { ok?: () => Promise<unknown>; fails: [number, () => Promise<unknown>] };

// Values the cases hand on to later ones (cases run in order).
const state: Record<string, any> = {};
const carId = () => state.car.id ?? state.car.listing.id;
const slug = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

const cases: Record<string, Case> = {
  "people.me": { ok: () => member.client.people.me(), fails: [401, () => anon.people.me()] },
  "people.get": {
    ok: () => member.client.people.get(other.user.id),
    fails: [404, () => member.client.people.get(missing)],
  },
  "people.update": {
    ok: () => member.client.people.update({ headline: "Weekend mechanic" }),
    fails: [403, () => member.client.people.update({ verification_status: "verified" })],
  },
  "people.registerPushDevice": {
    ok: () =>
      member.client.people.registerPushDevice({
        p_device_id: "sdk-device-1",
        p_platform: "web",
        p_push_token: "sdk-push-token",
      }),
    fails: [
      400,
      () =>
        member.client.people.registerPushDevice({
          p_device_id: "sdk-device-2",
          p_platform: "symbian" as never,
          p_push_token: "sdk-push-token-2",
        }),
    ],
  },
  "people.presignFile": {
    ok: async () => {
      const { file, upload } = await member.client.people.presignFile({
        p_file_name: "licence.pdf",
        p_content_type: "application/pdf",
        p_size_bytes: 1024,
      });
      expect(upload.path).toBe(file.storage_path);
    },
    fails: [
      400,
      () =>
        member.client.people.presignFile({
          p_file_name: "tool.exe",
          p_content_type: "application/x-msdownload",
          p_size_bytes: 1024,
        }),
    ],
  },
  "organizations.list": {
    ok: () => member.client.organizations.list(),
    fails: [401, () => forged.organizations.list()],
  },
  "organizations.get": {
    ok: () => member.client.organizations.get(nusantara),
    fails: [404, () => member.client.organizations.get(missing)],
  },
  "organizations.members": {
    ok: () => dewi.organizations.members(nusantara),
    fails: [401, () => forged.organizations.members(nusantara)],
  },
  "organizations.invite": {
    ok: async () => {
      state.invitation = await citra.organizations.invite({ p_organization_id: nusantara });
      state.declined = await citra.organizations.invite({ p_organization_id: nusantara });
    },
    fails: [403, () => member.client.organizations.invite({ p_organization_id: nusantara })],
  },
  "organizations.acceptInvitation": {
    ok: () => member.client.organizations.acceptInvitation(state.invitation.code),
    fails: [404, () => member.client.organizations.acceptInvitation("no-such-code")],
  },
  "organizations.declineInvitation": {
    ok: () => other.client.organizations.declineInvitation(state.declined.code),
    fails: [404, () => other.client.organizations.declineInvitation("no-such-code")],
  },
  "events.list": {
    ok: async () => {
      const found = await anon.events.list({ search: "SDK Test Day" });
      expect(found.map((event) => event.id)).toContain(eventId);
    },
    fails: [401, () => forged.events.list()],
  },
  "events.get": {
    ok: () => anon.events.get(eventId),
    fails: [404, () => anon.events.get(missing)],
  },
  "events.register": {
    ok: async () => {
      state.registration = await member.client.events.register(eventId);
      expect(state.registration.status).toBe("confirmed");
    },
    fails: [404, () => member.client.events.register(missing)],
  },
  "events.registration": {
    ok: () => member.client.events.registration(state.registration.id),
    fails: [404, () => member.client.events.registration(missing)],
  },
  "events.myRegistrations": {
    ok: async () => {
      const mine = await member.client.events.myRegistrations();
      expect(mine.map((registration) => registration.id)).toContain(state.registration.id);
    },
    fails: [401, () => anon.events.myRegistrations()],
  },
  "events.transfer": {
    ok: async () => {
      const moved = await member.client.events.transfer(state.registration.id, other.user.id);
      state.registration = moved;
    },
    fails: [404, () => member.client.events.transfer(missing, other.user.id)],
  },
  "attendance.checkInByToken": {
    ok: () => dewi.attendance.checkInByToken(state.registration.check_in_token, eventId),
    fails: [404, () => member.client.attendance.checkInByToken("no-such-token", eventId)],
  },
  "attendance.checkIn": {
    ok: () => dewi.attendance.checkIn(state.registration.id),
    fails: [404, () => member.client.attendance.checkIn(state.registration.id)],
  },
  "attendance.syncOffline": {
    ok: async () => {
      const [answer] = await dewi.attendance.syncOffline(
        [{ token: "no-such-token", scanned_at: new Date().toISOString(), ref: "scan-1" }],
        "scanner-1",
      );
      expect(answer).toMatchObject({ result: "invalid_token", client_ref: "scan-1" });
    },
    fails: [400, () => dewi.attendance.syncOffline({} as never)],
  },
  "attendance.summary": {
    ok: () => dewi.attendance.summary(eventId),
    fails: [404, () => member.client.attendance.summary(eventId)],
  },
  "events.cancel": {
    ok: async () => {
      // The event has two seats: `other` holds one (transferred), `third` takes the last and
      // `fourth` waits; `third` cancelling offers the seat to `fourth`.
      const [third, fourth] = await Promise.all([person(), person()]);
      const seat = await third.client.events.register(eventId);
      state.waiting = await fourth.client.events.register(eventId);
      state.fourth = fourth.client;
      expect([seat.status, state.waiting.status]).toEqual(["confirmed", "waitlisted"]);
      await third.client.events.cancel(seat.id);
    },
    fails: [404, () => member.client.events.cancel(missing)],
  },
  "events.waitlistPosition": {
    ok: async () => {
      // The offer was claimed: no longer waiting.
      expect(await state.fourth.events.waitlistPosition(state.waiting.id)).toBeNull();
    },
    fails: [404, () => member.client.events.waitlistPosition(state.waiting.id)],
  },
  "events.claimWaitlistOffer": {
    ok: async () => {
      const claimed = await state.fourth.events.claimWaitlistOffer(state.waiting.id);
      expect(claimed.status).toBe("confirmed");
    },
    fails: [404, () => member.client.events.claimWaitlistOffer(missing)],
  },
  "events.classify": {
    ok: async () => {
      state.category = await one<{ id: string }>(
        `select id from public.reference_items where kind = 'category' and is_active limit 1`,
      );
      const region = await one<{ id: string }>(
        `select id from public.reference_items where kind = 'region' and is_active limit 1`,
      );
      const classified = await dewi.events.classify(eventId, {
        category_id: state.category.id,
        region_id: region.id,
      });
      expect(classified.category?.code).toBeTruthy();
    },
    fails: [400, () => dewi.events.classify(eventId, { region_id: state.category.id })],
  },
  "events.linkZoomMeeting": {
    ok: async () => {
      // An in-person event has no meeting (409).
      await sql(`update public.events set format = 'hybrid' where id = $1`, [eventId]);
      await dewi.events.linkZoomMeeting({
        p_event_id: eventId,
        p_zoom_meeting_id: "81234567890",
        p_join_url: "https://zoom.us/j/81234567890",
      });
    },
    fails: [
      404,
      () =>
        member.client.events.linkZoomMeeting({
          p_event_id: eventId,
          p_zoom_meeting_id: "81234567891",
          p_join_url: "https://zoom.us/j/81234567891",
        }),
    ],
  },
  "events.createZoomMeeting": {
    fails: [404, () => member.client.events.createZoomMeeting({ event_id: missing })],
  },
  "payments.checkoutRegistration": {
    ok: async () => {
      state.paidRegistration = await member.client.events.register(paidEventId);
      state.invoice = await member.client.payments.checkoutRegistration(state.paidRegistration.id);
    },
    fails: [404, () => member.client.payments.checkoutRegistration(missing)],
  },
  "learning.courses": {
    ok: async () => {
      const [course] = await member.client.learning.courses();
      state.course = course;
    },
    fails: [401, () => forged.learning.courses()],
  },
  "learning.enroll": {
    ok: async () => {
      const free = await one<{ id: string; lesson_id: string }>(
        `select c.id, l.id as lesson_id from public.courses c
           join public.course_modules m on m.course_id = c.id join public.course_lessons l on l.module_id = m.id
          where c.status = 'published' and c.price_amount = 0 limit 1`,
      );
      state.lessonId = free.lesson_id;
      state.enrollment = await member.client.learning.enroll(free.id);
    },
    fails: [404, () => member.client.learning.enroll(missing)],
  },
  "learning.completeLesson": {
    ok: () => member.client.learning.completeLesson(state.lessonId),
    fails: [404, () => member.client.learning.completeLesson(missing)],
  },
  "learning.submitAttempt": {
    fails: [404, () => member.client.learning.submitAttempt(missing, {})],
  },
  "learning.pathProgress": {
    ok: async () => {
      const path = await one<{ id: string }>(`select id from public.learning_paths limit 1`);
      await member.client.learning.pathProgress(path.id);
    },
    fails: [401, () => anon.learning.pathProgress(missing)],
  },
  "learning.cancelEnrollment": {
    ok: () => member.client.learning.cancelEnrollment(state.enrollment.id),
    fails: [404, () => member.client.learning.cancelEnrollment(missing)],
  },
  "certificates.mine": {
    ok: async () => {
      const mine = await certificateHolder.certificates.mine();
      expect(mine.map((row) => row.id)).toContain(certificate.id);
    },
    fails: [401, () => anon.certificates.mine()],
  },
  "certificates.issue": {
    ok: async () => {
      const { certificate: again } = await certificateHolder.certificates.issue({
        registration_id: certificate.registration_id,
      });
      expect(again.id).toBe(certificate.id);
    },
    fails: [404, () => member.client.certificates.issue({ registration_id: missing })],
  },
  "certificates.verify": {
    ok: () => anon.certificates.verify(certificate.verification_code),
    fails: [404, () => anon.certificates.verify("ZZZZ-ZZZZ-ZZZZ")],
  },
  "certificates.pdf": {
    ok: async () => {
      const { pdf } = await certificateHolder.certificates.pdf(certificate.id);
      const file = await fetch(pdf.signed_url);
      expect(file.headers.get("content-type")).toBe("application/pdf");
    },
    fails: [404, () => member.client.certificates.pdf(certificate.id)],
  },
  "cpd.entries": {
    ok: () => certificateHolder.cpd.entries(),
    fails: [401, () => forged.cpd.entries()],
  },
  "cpd.totals": {
    ok: () => certificateHolder.cpd.totals({ p_period: "year" }),
    fails: [400, () => certificateHolder.cpd.totals({ p_period: "fortnight" })],
  },
  "cpd.exportCsv": {
    ok: async () => expect(await certificateHolder.cpd.exportCsv()).toContain(","),
    fails: [401, () => anon.cpd.exportCsv()],
  },
  "payments.invoices": {
    ok: () => member.client.payments.invoices(),
    fails: [401, () => forged.payments.invoices()],
  },
  "payments.invoice": {
    ok: () => member.client.payments.invoice(state.invoice.invoice_id ?? state.invoice.id),
    fails: [404, () => member.client.payments.invoice(missing)],
  },
  "payments.checkout": {
    fails: [400, () => member.client.payments.checkout({ invoice_id: "x", provider: "stripe" })],
  },
  "payments.checkoutProducts": {
    fails: [400, () => member.client.payments.checkoutProducts([])],
  },
  "payments.refund": {
    fails: [404, () => citra.payments.refund({ invoice_id: missing })],
  },
  "payments.cancelPaidRegistration": {
    fails: [404, () => member.client.payments.cancelPaidRegistration({ registration_id: missing })],
  },
  "payments.receipt": {
    fails: [404, () => member.client.payments.receipt({ invoice_id: missing })],
  },
  "payments.applyPoints": {
    ok: async () => {
      await sql(
        `insert into public.reward_entries (user_id, points, reason) values ($1, 1000, 'adjustment')`,
        [member.user.id],
      );
      const applied = await member.client.payments.applyPoints(
        state.invoice.invoice_id ?? state.invoice.id,
        100,
      );
      expect(applied.rewards_balance).toBe(1000 - applied.points_applied);
    },
    fails: [404, () => member.client.payments.applyPoints(missing, 100)],
  },
  "notifications.list": {
    ok: () => member.client.notifications.list(),
    fails: [401, () => forged.notifications.list()],
  },
  "notifications.unreadCounts": {
    ok: () => member.client.notifications.unreadCounts(),
    fails: [401, () => anon.notifications.unreadCounts()],
  },
  "notifications.markRead": {
    ok: () => member.client.notifications.markRead(),
    fails: [401, () => anon.notifications.markRead()],
  },
  "notifications.preferences": {
    ok: () => member.client.notifications.preferences(),
    fails: [401, () => anon.notifications.preferences()],
  },
  "notifications.setPreference": {
    ok: () => member.client.notifications.setPreference({ p_type: "forum_reply", p_email: false }),
    fails: [400, () => member.client.notifications.setPreference({ p_type: "no_such_type" })],
  },
  "vehicles.add": {
    ok: async () => {
      state.vehicle = await member.client.vehicles.add({
        vin: randomVin(),
        make: "Honda",
        model: "Civic",
        year: 2020,
        odometer: 15000,
        fuel_type: "gasoline",
      });
    },
    fails: [
      400,
      () => member.client.vehicles.add({ vin: "BAD", make: "X", model: "Y", year: 2020 }),
    ],
  },
  "vehicles.list": {
    ok: async () => expect(await member.client.vehicles.list()).toHaveLength(1),
    fails: [401, () => forged.vehicles.list()],
  },
  "vehicles.get": {
    ok: () => member.client.vehicles.get(state.vehicle.id),
    fails: [404, () => other.client.vehicles.get(state.vehicle.id)],
  },
  "vehicles.vinProblem": {
    ok: async () => expect(await anon.vehicles.vinProblem(state.vehicle.vin)).toBeNull(),
    fails: [401, () => forged.vehicles.vinProblem("X")],
  },
  "vehicles.linkDongle": {
    ok: () =>
      member.client.vehicles.linkDongle({
        p_vehicle_id: state.vehicle.id,
        p_serial: `SDK-${randomUUID().slice(0, 8)}`,
        p_connection_type: "BLE",
      }),
    fails: [
      404,
      () =>
        other.client.vehicles.linkDongle({
          p_vehicle_id: state.vehicle.id,
          p_serial: "SDK-OTHER",
          p_connection_type: "BLE",
        }),
    ],
  },
  "vehicles.uploadTelemetry": {
    ok: async () => {
      const end = Date.now() - 60_000;
      const batch = {
        vehicleId: state.vehicle.id,
        startTimestamp: end - 2000,
        endTimestamp: end,
        samples: [
          { t: end - 1000, speed: 40, fuelRate: 2.1, odometer: 15000.1 },
          { t: end, speed: 42, fuelRate: 2.2, odometer: 15000.2 },
        ],
      };
      const first = await member.client.vehicles.uploadTelemetry(batch, { idempotencyKey: "b-1" });
      const again = await member.client.vehicles.uploadTelemetry(batch, { idempotencyKey: "b-1" });
      expect([first.duplicate, again.duplicate, again.batchId]).toEqual([
        false,
        true,
        first.batchId,
      ]);
    },
    fails: [
      404,
      () =>
        other.client.vehicles.uploadTelemetry({
          vehicleId: state.vehicle.id,
          startTimestamp: Date.now() - 2000,
          endTimestamp: Date.now() - 1000,
          samples: [{ t: Date.now() - 1500, speed: 1, fuelRate: 1, odometer: 16000 }],
        }),
    ],
  },
  "vehicles.aggregates": {
    ok: () =>
      member.client.vehicles.aggregates({
        p_vehicle_id: state.vehicle.id,
        p_from: new Date(Date.now() - 36e5).toISOString(),
        p_to: new Date().toISOString(),
      }),
    fails: [
      400,
      () =>
        member.client.vehicles.aggregates({
          p_vehicle_id: state.vehicle.id,
          p_from: new Date().toISOString(),
          p_to: new Date().toISOString(),
          p_bucket: "century",
        }),
    ],
  },
  "vehicles.serviceDue": {
    ok: () => member.client.vehicles.serviceDue(state.vehicle.id),
    fails: [401, () => anon.vehicles.serviceDue()],
  },
  "appointments.locations": {
    ok: async () => {
      [state.location] = await member.client.appointments.locations();
    },
    fails: [401, () => forged.appointments.locations()],
  },
  "appointments.availability": {
    ok: () =>
      member.client.appointments.availability({
        p_location_id: state.location.id,
        p_date: new Date(Date.now() + 3 * 864e5).toISOString().slice(0, 10),
      }),
    fails: [
      404,
      () =>
        member.client.appointments.availability({
          p_location_id: missing,
          p_date: new Date().toISOString().slice(0, 10),
        }),
    ],
  },
  "appointments.book": {
    fails: [
      404,
      () =>
        member.client.appointments.book({
          p_location_id: missing,
          p_vehicle_id: state.vehicle.id,
          p_service_codes: ["oil_change"],
          p_starts_at: new Date(Date.now() + 3 * 864e5).toISOString(),
        }),
    ],
  },
  "appointments.upcoming": {
    ok: () => member.client.appointments.upcoming(),
    fails: [401, () => anon.appointments.upcoming()],
  },
  "appointments.reschedule": {
    fails: [404, () => member.client.appointments.reschedule(missing, new Date().toISOString())],
  },
  "appointments.cancel": {
    fails: [404, () => member.client.appointments.cancel(missing)],
  },
  "memberships.plans": {
    ok: async () => {
      [state.plan] = await member.client.memberships.plans();
    },
    fails: [401, () => forged.memberships.plans()],
  },
  "memberships.mine": {
    ok: () => member.client.memberships.mine(),
    fails: [401, () => anon.memberships.mine()],
  },
  "memberships.checkout": {
    ok: () => member.client.memberships.checkout(state.plan.id),
    fails: [404, () => member.client.memberships.checkout(missing)],
  },
  "offers.available": {
    ok: () => member.client.offers.available(),
    fails: [401, () => anon.offers.available()],
  },
  "offers.redeem": {
    fails: [404, () => member.client.offers.redeem({ p_offer_id: missing })],
  },
  "referrals.mine": {
    ok: async () => {
      state.referrals = await other.client.referrals.mine();
    },
    fails: [401, () => anon.referrals.mine()],
  },
  "referrals.apply": {
    fails: [404, () => member.client.referrals.apply("NO-SUCH-CODE")],
  },
  "chat.start": {
    ok: async () => {
      state.thread = await member.client.chat.start("Where is my invoice?", {
        organizationId: nusantara,
        body: "Hello",
      });
    },
    fails: [400, () => member.client.chat.start("")],
  },
  "chat.threads": {
    ok: async () =>
      expect((await member.client.chat.threads()).map((thread) => thread.id)).toContain(
        state.thread.id,
      ),
    fails: [401, () => anon.chat.threads()],
  },
  "chat.send": {
    ok: async () => {
      state.message = await member.client.chat.send(state.thread.id, "Any news?");
    },
    fails: [403, () => other.client.chat.send(state.thread.id, "Not my thread")],
  },
  "chat.messages": {
    ok: async () => expect(await member.client.chat.messages(state.thread.id)).toHaveLength(2),
    fails: [401, () => forged.chat.messages(state.thread.id)],
  },
  "chat.markRead": {
    ok: () => member.client.chat.markRead(state.thread.id),
    fails: [404, () => other.client.chat.markRead(state.thread.id)],
  },
  "chat.editMessage": {
    ok: () => member.client.chat.editMessage(state.message.id, "Any news yet?"),
    fails: [404, () => other.client.chat.editMessage(state.message.id, "Not mine")],
  },
  "chat.deleteMessage": {
    ok: () => member.client.chat.deleteMessage(state.message.id),
    fails: [404, () => other.client.chat.deleteMessage(state.message.id)],
  },
  "chat.close": {
    ok: () => member.client.chat.close(state.thread.id),
    fails: [404, () => other.client.chat.close(state.thread.id)],
  },
  "marketplace.searchCars": {
    ok: async () => {
      const [found] = await anon.marketplace.searchCars({ p_limit: 5 });
      state.car = found;
    },
    fails: [400, () => anon.marketplace.searchCars({ p_limit: -1 })],
  },
  "marketplace.searchParts": {
    ok: () => anon.marketplace.searchParts({ p_limit: 5 }),
    fails: [400, () => anon.marketplace.searchParts({ p_sort: "sideways" })],
  },
  "marketplace.car": {
    ok: () => anon.marketplace.car(state.car.id ?? state.car.listing.id),
    fails: [404, () => anon.marketplace.car(missing)],
  },
  "marketplace.partsThatFit": {
    ok: () => member.client.marketplace.partsThatFit({ p_vehicle_id: state.vehicle.id }),
    fails: [404, () => other.client.marketplace.partsThatFit({ p_vehicle_id: state.vehicle.id })],
  },
  "marketplace.wish": {
    ok: () =>
      member.client.marketplace.wish({ car_listing_id: state.car.id ?? state.car.listing.id }),
    fails: [
      409,
      () =>
        member.client.marketplace.wish({ car_listing_id: state.car.id ?? state.car.listing.id }),
    ],
  },
  "marketplace.listCar": {
    ok: async () => {
      const listed = await member.client.marketplace.listCar({
        title: "2018 Honda Jazz RS",
        make: "Honda",
        model: "Jazz",
        year: 2018,
        mileage_km: 62000,
        transmission: "cvt",
        fuel_type: "gasoline",
        price_amount: 185_000_000,
        currency: "IDR",
        city: "Bandung",
      });
      expect(listed.status).toBe("pending");
    },
    fails: [
      400,
      () =>
        member.client.marketplace.listCar({
          title: "Too old",
          make: "Benz",
          model: "Patent-Motorwagen",
          year: 1800,
          mileage_km: 1,
          transmission: "manual",
          fuel_type: "gasoline",
          price_amount: 1,
          currency: "IDR",
          city: "Mannheim",
        }),
    ],
  },
  "marketplace.partCategories": {
    ok: async () => {
      [state.partCategory] = await anon.marketplace.partCategories();
      await anon.marketplace.partCategories(state.partCategory.id);
    },
    fails: [401, () => forged.marketplace.partCategories()],
  },
  "marketplace.addPartCategory": {
    // A tree of its own: the seeded tree stays as the seed's tests read it.
    ok: async () => {
      const parent = await admin.marketplace.addPartCategory({
        name: "SDK gaskets",
        slug: slug("sdk-gaskets"),
      });
      await admin.marketplace.addPartCategory({
        name: "SDK head gaskets",
        slug: slug("sdk-head-gaskets"),
        parent_id: parent.id,
      });
    },
    fails: [
      403,
      () => member.client.marketplace.addPartCategory({ name: "Mine", slug: slug("mine") }),
    ],
  },
  "marketplace.openStore": {
    ok: async () => {
      state.storeSlug = slug("sdk-store");
      const store = await member.client.marketplace.openStore(
        { slug: state.storeSlug, display_name: "SDK Spares" },
        { tagline: "Parts for weekend cars", city: "Bandung" },
      );
      expect(store.store_profile.organization_id).toBe(store.id);
    },
    fails: [
      409,
      () => other.client.marketplace.openStore({ slug: state.storeSlug, display_name: "Copycat" }),
    ],
  },
  "marketplace.stores": {
    ok: async () =>
      expect((await other.client.marketplace.stores()).map((store) => store.slug)).toContain(
        state.storeSlug,
      ),
    fails: [401, () => forged.marketplace.stores()],
  },
  "marketplace.requestVerification": {
    ok: async () => {
      state.verification = await member.client.marketplace.requestVerification({
        p_details: "Workshop owner since 2015",
      });
    },
    fails: [409, () => member.client.marketplace.requestVerification({ p_details: "Once more" })],
  },
  "marketplace.pendingVerifications": {
    ok: async () =>
      expect((await admin.marketplace.pendingVerifications()).map((row) => row.id)).toContain(
        state.verification.id,
      ),
    fails: [401, () => forged.marketplace.pendingVerifications()],
  },
  "marketplace.decideVerification": {
    ok: () =>
      admin.marketplace.decideVerification({
        p_request_id: state.verification.id,
        p_approve: true,
      }),
    fails: [
      403,
      () =>
        member.client.marketplace.decideVerification({
          p_request_id: state.verification.id,
          p_approve: true,
        }),
    ],
  },
  "marketplace.revokeVerification": {
    ok: () =>
      admin.marketplace.revokeVerification({
        p_profile_id: member.user.id,
        p_reason: "Documents expired",
      }),
    fails: [
      409,
      () =>
        admin.marketplace.revokeVerification({
          p_profile_id: member.user.id,
          p_reason: "Documents expired",
        }),
    ],
  },
  "marketplace.comment": {
    ok: async () => {
      state.comment = await other.client.marketplace.comment({
        car_listing_id: carId(),
        body: "Is the price negotiable?",
      });
    },
    fails: [
      404,
      () => other.client.marketplace.comment({ car_listing_id: missing, body: "Hello?" }),
    ],
  },
  "marketplace.comments": {
    ok: async () =>
      expect(
        (await anon.marketplace.comments({ car_listing_id: carId() })).map((row) => row.id),
      ).toContain(state.comment.id),
    fails: [401, () => forged.marketplace.comments({ part_listing_id: missing })],
  },
  "marketplace.likeComment": {
    ok: () => member.client.marketplace.likeComment(state.comment.id),
    fails: [409, () => member.client.marketplace.likeComment(state.comment.id)],
  },
  "marketplace.review": {
    ok: async () => {
      state.review = await other.client.marketplace.review({
        seller_id: member.user.id,
        rating: 4,
        title: "Quick replies",
      });
    },
    fails: [400, () => member.client.marketplace.review({ seller_id: member.user.id, rating: 5 })],
  },
  "marketplace.respondToReview": {
    ok: () => member.client.marketplace.respondToReview(state.review.id, "Thank you!"),
    fails: [409, () => member.client.marketplace.respondToReview(state.review.id, "Again")],
  },
  "marketplace.voteReview": {
    ok: () => citra.marketplace.voteReview(state.review.id, true),
    fails: [409, () => citra.marketplace.voteReview(state.review.id, true)],
  },
  "marketplace.sellerRating": {
    ok: async () =>
      expect(
        (await anon.marketplace.sellerRating({ seller_id: member.user.id })).review_count,
      ).toBe(1),
    fails: [404, () => anon.marketplace.sellerRating({ store_id: missing })],
  },
  "forum.categories": {
    ok: async () => {
      [state.category] = await anon.forum.categories();
    },
    fails: [401, () => forged.forum.categories()],
  },
  "forum.startThread": {
    ok: async () => {
      state.forumThread = await member.client.forum.startThread({
        category_id: state.category.id,
        title: "Cold idle on a 2020 Civic",
        body: "It idles rough until warm.",
      });
    },
    fails: [
      400,
      () =>
        member.client.forum.startThread({ category_id: state.category.id, title: "x", body: "y" }),
    ],
  },
  "forum.threads": {
    ok: () => member.client.forum.threads(state.category.id),
    fails: [401, () => forged.forum.threads(state.category.id)],
  },
  "forum.respond": {
    ok: async () => {
      state.response = await other.client.forum.respond(state.forumThread.id, "Check the IACV.");
    },
    fails: [400, () => other.client.forum.respond(state.forumThread.id, "")],
  },
  "forum.thread": {
    ok: () => anon.forum.thread(state.forumThread.id),
    fails: [404, () => anon.forum.thread(missing)],
  },
  "forum.recordView": {
    ok: () => anon.forum.recordView(state.forumThread.id),
    fails: [404, () => anon.forum.recordView(missing)],
  },
  "forum.vote": {
    ok: () => member.client.forum.vote(state.response.id, true),
    fails: [409, () => member.client.forum.vote(state.response.id, true)],
  },
  "forum.accept": {
    ok: () => member.client.forum.accept(state.response.id),
    fails: [403, () => other.client.forum.accept(state.response.id)],
  },
  "forum.setStatus": {
    ok: () => member.client.forum.setStatus(state.forumThread.id, "open"),
    fails: [409, () => member.client.forum.setStatus(state.forumThread.id, "open")],
  },
  "forum.flag": {
    ok: () =>
      other.client.forum.flag({
        p_target_kind: "forum_thread",
        p_target_id: state.forumThread.id,
        p_reason: "off_topic",
      }),
    fails: [
      409,
      () =>
        other.client.forum.flag({
          p_target_kind: "forum_thread",
          p_target_id: state.forumThread.id,
          p_reason: "off_topic",
        }),
    ],
  },
  "forum.addCategory": {
    ok: () => admin.forum.addCategory({ name: "SDK garage", slug: slug("sdk-garage") }),
    fails: [403, () => member.client.forum.addCategory({ name: "Mine", slug: slug("mine") })],
  },
  "forum.follow": {
    ok: () => dewi.forum.follow(state.forumThread.id),
    fails: [409, () => dewi.forum.follow(state.forumThread.id)],
  },
  "forum.unfollow": {
    ok: () => dewi.forum.unfollow(state.forumThread.id),
    fails: [401, () => anon.forum.unfollow(state.forumThread.id)],
  },
  "forum.experts": {
    ok: () => member.client.forum.experts(),
    fails: [401, () => forged.forum.experts()],
  },
  "forum.applyAsExpert": {
    ok: async () => {
      state.expertApplication = await member.client.forum.applyAsExpert({
        p_expertise_areas: ["honda"],
        p_years_of_experience: 12,
        p_statement: "Honda master technician",
      });
    },
    fails: [
      400,
      () =>
        other.client.forum.applyAsExpert({
          p_expertise_areas: ["honda"],
          p_years_of_experience: 200,
        }),
    ],
  },
  "forum.decideExpert": {
    ok: () =>
      admin.forum.decideExpert({
        p_verification_id: state.expertApplication.id,
        p_approve: true,
      }),
    fails: [
      403,
      () =>
        member.client.forum.decideExpert({
          p_verification_id: state.expertApplication.id,
          p_approve: true,
        }),
    ],
  },
  "content.posts": {
    ok: async () => {
      [state.post] = await anon.content.posts();
    },
    fails: [401, () => forged.content.posts()],
  },
  "content.resolveSlug": {
    ok: () => anon.content.resolveSlug(state.post.slug),
    fails: [404, () => anon.content.resolveSlug("no-such-post")],
  },
  "content.related": {
    ok: () => anon.content.related(state.post.id),
    fails: [404, () => anon.content.related(missing)],
  },
  "content.aboutPages": {
    ok: () => anon.content.aboutPages(),
    fails: [401, () => forged.content.aboutPages()],
  },
  "content.reference": {
    ok: () => anon.content.reference("level"),
    fails: [401, () => forged.content.reference("level")],
  },
  "content.writePost": {
    ok: async () => {
      state.draft = await dewi.content.writePost({
        organization_id: nusantara,
        title: "SDK draft post",
        content: "Written through the SDK.",
        status: "draft",
      });
    },
    fails: [
      403,
      () =>
        member.client.content.writePost({
          organization_id: nusantara,
          title: "Not staff",
          content: "x",
        }),
    ],
  },
  "content.updatePost": {
    ok: async () =>
      expect(
        (await dewi.content.updatePost(state.draft.id, { summary: "A short summary" })).summary,
      ).toBe("A short summary"),
    fails: [404, () => member.client.content.updatePost(state.draft.id, { summary: "Mine" })],
  },
  "content.addPostImage": {
    ok: () =>
      dewi.content.addPostImage(
        state.draft.id,
        {
          name: "cover.png",
          body: new Blob([new Uint8Array([137, 80, 78, 71])], { type: "image/png" }),
        },
        { caption: "Cover", position: 0 },
      ),
    fails: [
      403,
      () =>
        member.client.content.addPostImage(state.draft.id, {
          name: "mine.png",
          body: new Blob([new Uint8Array([137, 80, 78, 71])], { type: "image/png" }),
        }),
    ],
  },
  "content.deletePost": {
    ok: () => dewi.content.deletePost(state.draft.id),
    fails: [404, () => dewi.content.deletePost(state.draft.id)],
  },
  "content.subscribe": {
    ok: () => member.client.content.subscribe(nusantara),
    fails: [409, () => member.client.content.subscribe(nusantara)],
  },
  "content.unsubscribe": {
    ok: () => member.client.content.unsubscribe(nusantara),
    fails: [401, () => anon.content.unsubscribe(nusantara)],
  },
  "surveys.list": {
    ok: async () => {
      state.survey = (await anon.surveys.list()).find((survey) => survey.status === "open");
    },
    fails: [401, () => forged.surveys.list()],
  },
  "surveys.create": {
    ok: async () => {
      state.newSurvey = await hadi.surveys.create({
        organization_id: skillsAcademy,
        title: "SDK pulse survey",
      });
    },
    fails: [
      403,
      () => member.client.surveys.create({ organization_id: skillsAcademy, title: "Not mine" }),
    ],
  },
  "surveys.addSection": {
    ok: async () => {
      state.newSection = await hadi.surveys.addSection({
        survey_id: state.newSurvey.id,
        title: "About the day",
      });
    },
    fails: [
      403,
      () => member.client.surveys.addSection({ survey_id: state.newSurvey.id, title: "Mine" }),
    ],
  },
  "surveys.addQuestion": {
    ok: async () => {
      const question = await hadi.surveys.addQuestion(
        {
          survey_id: state.newSurvey.id,
          section_id: state.newSection.id,
          key: "pace",
          text: "How was the pace?",
          question_type: "single_choice",
        },
        [
          { label: "Too slow", value: "slow" },
          { label: "Right", value: "right", position: 1 },
        ],
      );
      expect(question.options.map((option) => option.value)).toEqual(["slow", "right"]);
    },
    fails: [
      403,
      () =>
        member.client.surveys.addQuestion({
          survey_id: state.newSurvey.id,
          key: "mine",
          text: "Mine?",
          question_type: "short_text",
        }),
    ],
  },
  "surveys.open": {
    ok: async () => expect((await hadi.surveys.open(state.newSurvey.id)).status).toBe("open"),
    fails: [404, () => member.client.surveys.open(state.newSurvey.id)],
  },
  "surveys.form": {
    ok: () => member.client.surveys.form({ p_survey_id: state.survey.id }),
    fails: [404, () => member.client.surveys.form({ p_survey_id: missing })],
  },
  "surveys.saveProgress": {
    fails: [404, () => member.client.surveys.saveProgress({ p_survey_id: missing, p_answers: {} })],
  },
  "surveys.submit": {
    fails: [404, () => member.client.surveys.submit({ p_survey_id: missing, p_answers: {} })],
  },
  "surveys.summaries": {
    fails: [404, () => member.client.surveys.summaries({ p_survey_id: missing })],
  },
  "surveys.exportResults": {
    ok: async () => {
      const exported = await hadi.surveys.exportResults({ survey_id: state.survey.id });
      expect(exported.path.startsWith(`${state.survey.id}/`)).toBe(true);
    },
    fails: [403, () => member.client.surveys.exportResults({ survey_id: state.survey.id })],
  },
  "surveys.invite": {
    ok: async () =>
      expect(
        await hadi.surveys.invite({
          p_survey_id: state.newSurvey.id,
          p_user_ids: [member.user.id],
        }),
      ).toBe(1),
    fails: [
      403,
      () =>
        member.client.surveys.invite({
          p_survey_id: state.newSurvey.id,
          p_user_ids: [other.user.id],
        }),
    ],
  },
  "surveys.remind": {
    ok: () => hadi.surveys.remind({ p_survey_id: state.newSurvey.id }),
    fails: [403, () => member.client.surveys.remind({ p_survey_id: state.newSurvey.id })],
  },
  "surveys.inviteByEmail": {
    ok: async () => {
      state.invitee = `${slug("sdk-invitee")}@example.test`;
      expect(await hadi.surveys.inviteByEmail(state.newSurvey.id, [state.invitee])).toBe(1);
      // The emailed link carries the token.
      const { data } = await one<{ data: { action_url: string } }>(
        `select data from public.email_outbox where to_email = $1`,
        [state.invitee],
      );
      state.invitationToken = new URL(data.action_url, "https://pitlane.test").searchParams.get(
        "invitation",
      );
    },
    fails: [400, () => hadi.surveys.inviteByEmail(state.newSurvey.id, ["not-an-address"])],
  },
  "surveys.invitation": {
    ok: async () =>
      expect(await anon.surveys.invitation(state.invitationToken)).toMatchObject({
        email: state.invitee,
        answered: false,
      }),
    fails: [400, () => anon.surveys.invitation("not-a-token")],
  },
  "surveys.saveProgressByInvitation": {
    ok: () =>
      anon.surveys.saveProgressByInvitation({
        p_token: state.invitationToken,
        p_answers: { pace: "slow" },
      }),
    fails: [
      400,
      () => anon.surveys.saveProgressByInvitation({ p_token: "not-a-token", p_answers: {} }),
    ],
  },
  "surveys.submitByInvitation": {
    ok: () =>
      anon.surveys.submitByInvitation({
        p_token: state.invitationToken,
        p_answers: { pace: "right" },
      }),
    // The link answers once.
    fails: [
      409,
      () =>
        anon.surveys.submitByInvitation({
          p_token: state.invitationToken,
          p_answers: { pace: "right" },
        }),
    ],
  },
  "surveys.newVersion": {
    ok: async () => {
      state.surveyVersion = await hadi.surveys.newVersion(state.newSurvey.id);
    },
    // The first version is no longer the latest.
    fails: [409, () => hadi.surveys.newVersion(state.newSurvey.id)],
  },
  "outreach.addContact": {
    ok: async () => {
      state.contact = await dewi.outreach.addContact({
        organization_id: nusantara,
        email: `sdk-contact-${randomUUID().slice(0, 8)}@example.test`,
        full_name: "Sari Contact",
        tags: ["sdk"],
      });
    },
    fails: [
      403,
      () =>
        member.client.outreach.addContact({ organization_id: nusantara, email: "x@example.test" }),
    ],
  },
  "outreach.contacts": {
    ok: async () => {
      const found = await dewi.outreach.contacts(nusantara, { tag: "sdk" });
      expect(found.map((contact) => contact.id)).toContain(state.contact.id);
    },
    fails: [401, () => forged.outreach.contacts(nusantara)],
  },
  "outreach.updateContact": {
    ok: async () => {
      const updated = await dewi.outreach.updateContact(state.contact.id, { company: "Bengkel" });
      expect(updated.company).toBe("Bengkel");
    },
    fails: [404, () => member.client.outreach.updateContact(state.contact.id, { company: "x" })],
  },
  "outreach.recordConsent": {
    ok: () =>
      dewi.outreach.recordConsent({
        contact_id: state.contact.id,
        channel: "email",
        granted: true,
        method: "staff",
      }),
    fails: [
      403,
      () => member.client.outreach.recordConsent({ contact_id: state.contact.id, granted: false }),
    ],
  },
  "outreach.consentHistory": {
    ok: async () =>
      expect((await dewi.outreach.consentHistory(state.contact.id))[0]?.granted).toBe(true),
    fails: [401, () => forged.outreach.consentHistory(state.contact.id)],
  },
  "outreach.importContacts": {
    ok: () =>
      dewi.outreach.importContacts(
        nusantara,
        `email,full_name\nsdk-import-${randomUUID().slice(0, 8)}@example.test,Imported Person\n`,
      ),
    fails: [400, () => dewi.outreach.importContacts(nusantara, "email\nnot-an-email\n")],
  },
  "outreach.exportContacts": {
    ok: async () =>
      expect(await dewi.outreach.exportContacts(nusantara)).toContain(state.contact.email),
    fails: [403, () => member.client.outreach.exportContacts(nusantara)],
  },
  "outreach.saveSegment": {
    ok: async () => {
      state.segment = await dewi.outreach.saveSegment({
        organization_id: nusantara,
        name: `SDK segment ${randomUUID().slice(0, 8)}`,
        rules: { tag: "sdk" },
      });
    },
    fails: [
      400,
      () =>
        dewi.outreach.saveSegment({ organization_id: nusantara, name: "Bad", rules: { nope: 1 } }),
    ],
  },
  "outreach.segments": {
    ok: () => dewi.outreach.segments(nusantara),
    fails: [401, () => forged.outreach.segments(nusantara)],
  },
  "outreach.previewSegment": {
    ok: () =>
      dewi.outreach.previewSegment({ p_organization_id: nusantara, p_rules: { tag: "sdk" } }),
    fails: [
      400,
      () => dewi.outreach.previewSegment({ p_organization_id: nusantara, p_rules: { nope: 1 } }),
    ],
  },
  "outreach.segmentContacts": {
    ok: async () => {
      const ids = (await dewi.outreach.segmentContacts(state.segment.id)).map((row) => row.id);
      expect(ids).toContain(state.contact.id);
    },
    fails: [404, () => dewi.outreach.segmentContacts(missing)],
  },
  "outreach.draftCampaign": {
    ok: async () => {
      state.campaign = await dewi.outreach.draftCampaign({
        organization_id: nusantara,
        name: "SDK campaign",
        subject: "Hello {{first_name}}",
        body: "See you at the track, {{first_name}}.",
        segment_id: state.segment.id,
      });
    },
    fails: [
      400,
      () =>
        dewi.outreach.draftCampaign({
          organization_id: nusantara,
          name: "Bad merge field",
          subject: "Hi {{nickname}}",
          body: "Body",
          segment_id: state.segment.id,
        }),
    ],
  },
  "outreach.campaigns": {
    ok: () => dewi.outreach.campaigns(nusantara),
    fails: [401, () => forged.outreach.campaigns(nusantara)],
  },
  "outreach.sendTest": {
    ok: () => dewi.outreach.sendTest(state.campaign.id),
    fails: [404, () => member.client.outreach.sendTest(state.campaign.id)],
  },
  "outreach.send": {
    ok: () => dewi.outreach.send(state.campaign.id),
    fails: [409, () => dewi.outreach.send(state.campaign.id)],
  },
  "outreach.recipients": {
    ok: async () => {
      const recipients = await dewi.outreach.recipients(state.campaign.id);
      expect(recipients.map((row) => row.contact_id)).toContain(state.contact.id);
    },
    fails: [401, () => forged.outreach.recipients(state.campaign.id)],
  },
  "outreach.cancel": {
    ok: () => dewi.outreach.cancel(state.campaign.id),
    fails: [409, () => dewi.outreach.cancel(state.campaign.id)],
  },
  "outreach.logActivity": {
    ok: () =>
      dewi.outreach.logActivity({
        contact_id: state.contact.id,
        kind: "call",
        subject: "Called about the track day",
      }),
    fails: [
      403,
      () =>
        member.client.outreach.logActivity({
          contact_id: state.contact.id,
          kind: "call",
          subject: "x",
        }),
    ],
  },
  "outreach.timeline": {
    ok: async () => {
      const entries = await dewi.outreach.timeline(state.contact.id);
      expect(entries.length).toBeGreaterThan(0);
    },
    fails: [404, () => dewi.outreach.timeline(missing)],
  },
  "outreach.removeContact": {
    ok: () => dewi.outreach.removeContact(state.contact.id),
    fails: [404, () => dewi.outreach.removeContact(state.contact.id)],
  },
};

describe("every SDK call", () => {
  it("is in this table, with its failure", () => {
    // `live` (subscriptions, not calls) has its own suite: realtime.test.ts.
    const calls = Object.entries(domains(sdk()))
      .filter(([module]) => module !== "live")
      .flatMap(([module, methods]) => Object.keys(methods).map((method) => `${module}.${method}`));
    expect(Object.keys(cases).sort()).toEqual(calls.sort());
  });

  for (const [name, { ok, fails }] of Object.entries(cases)) {
    if (ok) it(`${name} succeeds`, ok);
    it(`${name} fails with ${fails[0]}`, async () => {
      const error = await failure(fails[1]);
      expect({ status: error.status, message: error.message }).toMatchObject({
        status: fails[0],
      });
      expect(error.code).not.toBe("");
    });
  }
});
