// Malformed requests against every edge-function route: a seeded fuzz of JSON bodies, path
// segments, query strings, methods and callers, and of webhook deliveries (signed as the providers
// sign, with bad fields). Every request is wrong in at least one way, so each must answer a 4xx
// (never 5xx) and write nothing: every table of `public` and `storage` reads the same afterwards.
// FUZZ_SEED=<n> replays a run; FUZZ_ROUNDS=<n> makes it longer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessTokenForEmail } from "../helpers/auth.ts";
import { faspay, faspaySignature, stripeEvent, stripeSignature } from "../payments/fakes.ts";
import { paymentsWorld, type PaymentsWorld } from "../payments/helpers.ts";
import { participantEvent, zoomHeaders } from "../outreach/fake-zoom.ts";

const seed = Number(process.env.FUZZ_SEED ?? 12_05);
const rounds = Number(process.env.FUZZ_ROUNDS ?? 12);

/** mulberry32: small, fast and the same on every machine for a seed. */
function generator(start: number) {
  let state = start >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return {
    below: (n: number) => Math.floor(next() * n),
    pick<T>(items: readonly T[]): T {
      return items[Math.floor(next() * items.length)]!;
    },
    chance: (p: number) => next() < p,
  };
}

let w: PaymentsWorld;
/** Real rows of the seeded database, so well-formed parts of a request point at something. */
let real: {
  invoices: string[];
  registrations: string[];
  certificates: string[];
  events: string[];
  codes: string[];
  billNumbers: string[];
  surveys: string[];
  sessions: string[];
  recipients: string[];
  zoomMeetings: string[];
};
let tokens: { admin: string; member: string; garbage: string };

const ids = async (query: string) =>
  (await w.db.sql(query)).map((row) => String(Object.values(row)[0]));

beforeAll(async () => {
  w = await paymentsWorld();
  // Nothing but the requests may write while the snapshots compare: the domains' scheduled jobs
  // (feedback offers, reminders, digests…) would otherwise write on their own minute.
  await w.db.sql("select cron.alter_job(jobid, active := false) from cron.job");
  real = {
    invoices: await ids(`select id from public.invoices order by number limit 5`),
    registrations: await ids(`select id from public.event_registrations order by id limit 5`),
    certificates: await ids(`select id from public.certificates order by id limit 5`),
    events: await ids(`select id from public.events order by id limit 5`),
    codes: await ids(`select verification_code from public.certificates order by id limit 5`),
    billNumbers: await ids(`select number from public.invoices order by number limit 5`),
    surveys: await ids(`select id from public.surveys order by id limit 5`),
    sessions: await ids(`select id from public.event_sessions order by id limit 5`),
    recipients: await ids(`select id from public.campaign_recipients order by id limit 5`),
    zoomMeetings: await ids(`select zoom_meeting_id from public.zoom_meetings order by id limit 5`),
  };
  expect(Object.values(real).every((rows) => rows.length > 0)).toBe(true);
  tokens = {
    // A platform admin and a plain member: callers the RPCs would let far in.
    admin: await accessTokenForEmail(w.db, "admin@pitlane.test", w.stack),
    member: await accessTokenForEmail(w.db, "member01@example.test", w.stack),
    garbage: "Bearer.not.a-jwt",
  };
});

afterAll(async () => {
  await w?.stop();
});

/** A digest of every row of every table in `public` and `storage`: equal digests, nothing written. */
async function snapshot(): Promise<Record<string, string>> {
  const tables = await w.db.sql(
    `select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname in ('public', 'storage') order by 1`,
  );
  const digest: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await w.db.sql(
      `select count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' order by t::text)), '') as digest from ${name} t`,
    );
    digest[name] = row!.digest;
  }
  return digest;
}

// ------------------------------------------------------------------------------------------------
// What is wrong with a value: for each kind of field, values its schema must refuse.
// ------------------------------------------------------------------------------------------------

const nul = "\u0000";
const notText = [null, true, 0, -1, 1.5, [], {}, { $ne: 1 }];
const badByKind = {
  uuid: [
    ...notText,
    "",
    "42",
    "not-a-uuid",
    "00000000-0000-0000-0000-00000000000g",
    `00000000-0000-0000-0000-000000000000${nul}`,
    "' or 1=1 --",
    "x".repeat(5000),
  ],
  text: [`a${nul}b`, nul, "\ud800 lone surrogate", "x".repeat(600), 12, [], {}, true],
  requiredText: ["", "   ", `a${nul}b`, "\udfff", "y".repeat(600), null, 7, []],
  amount: [0, -1, 1.5, 1e12, 2 ** 31, Number.MAX_SAFE_INTEGER, "100", null, [], true],
  dateTime: [
    "0000-01-01T00:00:00Z",
    "10000-01-01T00:00:00Z",
    "2026-02-30T00:00:00Z",
    "2026-01-01T25:00:00Z",
    "yesterday",
    "infinity",
    "-infinity",
    "1899-12-31T23:59:59Z",
    1767225600,
    `2030-01-01T00:00:00Z${nul}`,
    true,
  ],
  provider: ["paypal", "", "STRIPE", nul, 1, null],
  url: [
    "javascript:alert(1)",
    "ftp://example.com/x",
    "not a url",
    `https://example.com/${nul}`,
    "https://" + "a".repeat(3000) + ".com",
    5,
  ],
  channel: ["12", "1234", "abc", nul, 402],
  seconds: [0, 9, 86401, 1.5, -60, "600", 1e12],
  format: ["xml", "JWT", "", nul, "json\u0000"],
  share: [0, -0.5, 1.01, 2, "0.5", null, [], true, 1e308],
} as const;
type Kind = keyof typeof badByKind;

/** A JSON route: its fields, each with a kind and real values that are valid on their own. */
interface BodyRoute {
  path: string;
  methods: string[];
  caller: Array<keyof typeof tokens | "anon">;
  fields: Record<string, { kind: Kind; valid: () => unknown[]; required: boolean }>;
}

const uuidOf = (pool: () => string[]) => ({ kind: "uuid" as const, valid: pool, required: true });
const optional = <T extends { required: boolean }>(field: T): T => ({ ...field, required: false });

const bodyRoutes = (): BodyRoute[] => [
  {
    path: "payments/checkout",
    methods: ["POST"],
    caller: ["member", "admin", "anon"],
    fields: {
      invoice_id: uuidOf(() => real.invoices),
      provider: { kind: "provider", valid: () => ["stripe", "faspay"], required: true },
      success_url: optional({
        kind: "url",
        valid: () => ["https://app.example/paid"],
        required: true,
      }),
      cancel_url: optional({
        kind: "url",
        valid: () => ["https://app.example/cancel"],
        required: true,
      }),
      payment_channel: optional({ kind: "channel", valid: () => ["402"], required: true }),
    },
  },
  {
    path: "payments/refund",
    methods: ["POST"],
    caller: ["admin", "member"],
    fields: {
      invoice_id: uuidOf(() => real.invoices),
      amount: optional({ kind: "amount", valid: () => [1, 100], required: true }),
      reason: optional({ kind: "text", valid: () => ["changed plans"], required: true }),
      invoice_item_id: optional(uuidOf(() => real.invoices)),
    },
  },
  {
    path: "payments/cancel-registration",
    methods: ["POST"],
    caller: ["member", "admin"],
    fields: {
      registration_id: uuidOf(() => real.registrations),
      reason: optional({ kind: "text", valid: () => ["ill"], required: true }),
    },
  },
  {
    path: "receipts",
    methods: ["POST"],
    caller: ["member", "admin"],
    fields: {
      invoice_id: uuidOf(() => real.invoices),
      expires_in: optional({ kind: "seconds", valid: () => [60], required: true }),
    },
  },
  {
    path: "survey-export",
    methods: ["POST"],
    caller: ["member", "admin"],
    fields: {
      survey_id: uuidOf(() => real.surveys),
      format: optional({ kind: "format", valid: () => ["csv", "json"], required: true }),
      expires_in: optional({ kind: "seconds", valid: () => [60], required: true }),
    },
  },
  {
    path: "certificates/issue",
    methods: ["POST"],
    caller: ["admin", "member", "anon"],
    fields: {
      registration_id: uuidOf(() => real.registrations),
      cpd_cycle: optional({ kind: "requiredText", valid: () => ["2026"], required: true }),
    },
  },
  {
    path: "certificates/issue-event",
    methods: ["POST"],
    caller: ["admin", "member"],
    fields: {
      event_id: uuidOf(() => real.events),
      cpd_cycle: optional({ kind: "requiredText", valid: () => ["2026"], required: true }),
    },
  },
  {
    path: "certificates/reissue",
    methods: ["POST"],
    caller: ["admin"],
    fields: {
      certificate_id: uuidOf(() => real.certificates),
      cpd_cycle: { kind: "requiredText", valid: () => ["2027"], required: true },
    },
  },
  {
    path: "certificates/revoke",
    methods: ["POST"],
    caller: ["admin", "member"],
    fields: {
      certificate_id: uuidOf(() => real.certificates),
      reason: { kind: "requiredText", valid: () => ["issued in error"], required: true },
    },
  },
  {
    path: "certificates/expiry",
    methods: ["POST"],
    caller: ["admin"],
    fields: {
      certificate_id: uuidOf(() => real.certificates),
      expires_at: { kind: "dateTime", valid: () => ["2031-01-01T00:00:00Z", null], required: true },
    },
  },
  {
    path: "certificates/verify",
    methods: ["POST"],
    caller: ["anon", "member"],
    fields: { code: { kind: "requiredText", valid: () => real.codes, required: true } },
  },
  {
    path: "zoom/meetings",
    methods: ["POST"],
    caller: ["admin", "member", "anon"],
    fields: {
      event_id: uuidOf(() => real.events),
      session_id: optional(uuidOf(() => real.sessions)),
      attendance_threshold: optional({ kind: "share", valid: () => [0.5, 1], required: true }),
    },
  },
];

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

function authorization(caller: keyof typeof tokens | "anon"): Record<string, string> {
  const key = { apikey: w.stack.anonKey };
  if (caller === "anon") return key;
  if (caller === "garbage") return { ...key, authorization: tokens.garbage };
  return { ...key, authorization: `Bearer ${tokens[caller]}` };
}

const json = { "content-type": "application/json" };

/** A body with every field valid or missing except at least one that is wrong. */
function badBody(route: BodyRoute, random: ReturnType<typeof generator>): Record<string, unknown> {
  const names = Object.keys(route.fields);
  const wrong = new Set([random.pick(names), ...names.filter(() => random.chance(0.2))]);
  const body: Record<string, unknown> = {};
  for (const name of names) {
    const field = route.fields[name]!;
    if (wrong.has(name)) body[name] = random.pick(badByKind[field.kind]);
    else if (field.required || random.chance(0.5)) body[name] = random.pick(field.valid());
  }
  return body;
}

/** Bodies that are wrong as a whole: not JSON, not an object, empty, too large, or missing what is required. */
function badShape(route: BodyRoute, random: ReturnType<typeof generator>): string {
  const required = Object.entries(route.fields).filter(([, field]) => field.required);
  const partial = Object.fromEntries(
    required.slice(1).map(([name, field]) => [name, random.pick(field.valid())]),
  );
  return random.pick([
    "",
    "{",
    "null",
    "[]",
    '"text"',
    "42",
    nul,
    '{"a":\u0000}',
    "[".repeat(100_000) + "]".repeat(100_000),
    JSON.stringify({ padding: "p".repeat(300 * 1024) }),
    JSON.stringify(partial),
    JSON.stringify([Object.fromEntries(required.map(([name, field]) => [name, field.valid()[0]]))]),
  ]);
}

function* bodyRequests(random: ReturnType<typeof generator>): Generator<FuzzRequest> {
  for (const route of bodyRoutes()) {
    for (let round = 0; round < rounds; round++) {
      const headers = { ...json, ...authorization(random.pick(route.caller)) };
      const body = random.chance(0.75)
        ? JSON.stringify(badBody(route, random))
        : badShape(route, random);
      yield { method: "POST", path: route.path, headers, body };
    }
    // Methods a route does not take, with a body that would otherwise be fine.
    const valid = Object.fromEntries(
      Object.entries(route.fields).map(([name, field]) => [name, field.valid()[0]]),
    );
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      yield {
        method,
        path: route.path,
        headers: { ...json, ...authorization("admin") },
        body: JSON.stringify(valid),
      };
    }
  }
}

/** Path segments and query strings: malformed escapes, NUL, ids that are not ids, routes that do not exist. */
function* pathRequests(random: ReturnType<typeof generator>): Generator<FuzzRequest> {
  const badSegments = [
    "%E0%A4%A",
    "%",
    "%ZZ",
    "%00",
    "..",
    "%2e%2e",
    "a%00b",
    "x".repeat(3000),
    "%F0%9F%92%A9",
    "not-a-uuid",
    "00000000-0000-0000-0000-00000000000g",
    "%20",
  ];
  const badCodes = ["%00", "a%00b", "%E0%A4%A", "%20%20", "c".repeat(65), "%ud800"];
  for (let round = 0; round < rounds; round++) {
    const caller = authorization(random.pick(["admin", "member", "anon"] as const));
    const segment = random.pick(badSegments);
    yield random.pick([
      { method: "GET", path: `certificates/${segment}/pdf`, headers: caller },
      { method: "GET", path: `certificates/${segment}/badge`, headers: caller },
      { method: "POST", path: `certificates/${segment}/badge?format=jwt`, headers: caller },
      { method: "GET", path: `certificates/verify/${random.pick(badCodes)}`, headers: caller },
      { method: "GET", path: `certificates/verify?code=${random.pick(badCodes)}`, headers: caller },
      { method: "GET", path: `certificates/verify`, headers: caller },
      {
        method: "GET",
        path: `certificates/${random.pick(real.certificates)}/badge?format=${encodeURIComponent(String(random.pick(badByKind.format)))}`,
        headers: caller,
      },
      {
        method: "GET",
        path: `certificates/${random.pick(real.certificates)}/pdf/${segment}`,
        headers: caller,
      },
      {
        method: "POST",
        path: `certificates/${segment}`,
        headers: { ...json, ...caller },
        body: "{}",
      },
      { method: "GET", path: `certificates/.well-known/${segment}`, headers: caller },
      { method: "POST", path: `certificates/.well-known/jwks.json`, headers: caller },
      { method: "POST", path: `payments/${segment}`, headers: { ...json, ...caller }, body: "{}" },
      {
        method: "POST",
        path: `payments/checkout/${segment}`,
        headers: { ...json, ...caller },
        body: JSON.stringify({ invoice_id: real.invoices[0], provider: "stripe" }),
      },
      { method: "GET", path: `payments/checkout?invoice_id=${segment}`, headers: caller },
      // Expiring invoices is the service role's: any other caller is refused, whatever the body.
      {
        method: "POST",
        path: "payments/expire",
        headers: { ...json, ...caller },
        body: random.pick(["{}", "{", nul]),
      },
      { method: "GET", path: `receipts?invoice_id=${random.pick(real.invoices)}`, headers: caller },
      {
        method: "POST",
        path: `receipts`,
        headers: { ...json, ...authorization("garbage") },
        body: JSON.stringify({ invoice_id: real.invoices[0] }),
      },
    ]);
    yield random.pick([
      { method: "GET", path: `zoom/${segment}`, headers: caller },
      { method: "GET", path: "zoom/meetings", headers: caller },
      {
        method: "POST",
        path: `zoom/meetings/${segment}`,
        headers: { ...json, ...caller },
        body: JSON.stringify({ event_id: real.events[0] }),
      },
    ]);
    // Tracking links, each every round (a link in a real recipient's campaign is only a few of
    // them): no sign-in, so any caller; an id that is not one, a URL not in the campaign.
    yield* [
      { method: "GET", path: `campaign-tracking/open/${segment}.gif`, headers: caller },
      { method: "GET", path: `campaign-tracking/${segment}`, headers: caller },
      {
        method: "GET",
        path: `campaign-tracking/click/${segment}?u=${encodeURIComponent("https://skills-academy.example/courses")}`,
        headers: caller,
      },
      {
        method: "GET",
        path: `campaign-tracking/click/${random.pick(real.recipients)}?u=${encodeURIComponent(String(random.pick(badByKind.url)))}`,
        headers: caller,
      },
      // A prefix of the links in the seeded campaigns' bodies: another host or page, not the link.
      {
        method: "GET",
        path: `campaign-tracking/click/${random.pick(real.recipients)}?u=${encodeURIComponent("https://skills-academy.example/".slice(0, 9 + random.below(22)))}`,
        headers: caller,
      },
      {
        method: "GET",
        path: `campaign-tracking/click/${random.pick(real.recipients)}`,
        headers: caller,
      },
      {
        method: "POST",
        path: `campaign-tracking/open/${random.pick(real.recipients)}.gif`,
        headers: caller,
      },
    ];
  }
}

/** Webhook deliveries: unsigned, badly signed, and signed as the provider signs but with bad fields. */
function* webhookRequests(random: ReturnType<typeof generator>): Generator<FuzzRequest> {
  const invoiceId = () => random.pick(real.invoices);
  const badSession = (): Record<string, unknown> =>
    random.pick([
      { amount_total: 1e12 },
      { amount_total: -5 },
      { amount_total: 1.5 },
      { currency: "us dollars" },
      { currency: nul },
      { id: `cs_${nul}` },
      { id: "c".repeat(300) },
      { payment_intent: `pi_${"x".repeat(300)}` },
      { payment_method_types: [`card${nul}`] },
    ]);
  for (let round = 0; round < rounds; round++) {
    const session = {
      id: `cs_fuzz_${round}`,
      object: "checkout.session",
      client_reference_id: invoiceId(),
      payment_status: "paid",
      payment_intent: `pi_fuzz_${round}`,
      amount_total: 5000,
      currency: "usd",
      payment_method_types: ["card"],
      ...badSession(),
    };
    const event = stripeEvent("checkout.session.completed", session);
    const goodEvent = stripeEvent("checkout.session.completed", {
      ...session,
      id: `cs_fuzz_${round}`,
      amount_total: 5000,
      currency: "usd",
      payment_intent: `pi_fuzz_${round}`,
      payment_method_types: ["card"],
    });
    const badEnvelope = random.pick<Record<string, unknown>>([
      { id: "" },
      { id: `evt_${nul}` },
      { created: -1 },
      { created: "yesterday" },
      { type: `checkout.session.completed${nul}` },
      { data: { object: "text" } },
    ]);
    // Signed as Stripe signs: bad fields in the session, or a bad envelope around a good one.
    const signedBody = JSON.stringify(
      random.chance(0.5) ? event : { ...goodEvent, ...badEnvelope },
    );
    const garbage = random.pick([
      "",
      "{",
      "null",
      nul,
      JSON.stringify(event),
      "x".repeat(300 * 1024),
    ]);
    yield random.pick([
      { method: "POST", path: "stripe-webhook", headers: json, body: garbage },
      {
        method: "POST",
        path: "stripe-webhook",
        headers: { ...json, "stripe-signature": "t=1,v1=00" },
        body: JSON.stringify(event),
      },
      {
        method: "POST",
        path: "stripe-webhook",
        headers: {
          ...json,
          "stripe-signature": stripeSignature(JSON.stringify(event), "whsec_wrong"),
        },
        body: JSON.stringify(event),
      },
      {
        method: "POST",
        path: "stripe-webhook",
        headers: { ...json, "stripe-signature": stripeSignature(signedBody) },
        body: signedBody,
      },
      { method: "GET", path: "stripe-webhook", headers: {} },
    ]);

    const billNo = random.pick(real.billNumbers);
    const status = random.pick(["2", "4", "7", "8", "3"]);
    const notification: Record<string, unknown> = {
      request: "Payment Notification",
      trx_id: `3133700000${round}`,
      merchant_id: faspay.merchantId,
      merchant: faspay.merchantName,
      bill_no: billNo,
      payment_date: "2030-01-01 10:00:00",
      payment_status_code: status,
      bill_total: "150000",
      payment_total: "150000",
      payment_channel_uid: "402",
    };
    const bad = random.pick<Record<string, unknown>>([
      { payment_total: "1000000000000" },
      { payment_total: "12.5" },
      { bill_total: "-1", payment_total: undefined },
      { payment_date: "0000-01-01 00:00:00" },
      { payment_date: "2030-02-30 10:00:00" },
      { payment_date: "2030-01-01 25:00:00" },
      { trx_id: `31337${nul}` },
      { trx_id: "" },
      { payment_status_desc: `paid${nul}` },
      { payment_channel_uid: "4".repeat(40) },
      { bill_no: `${billNo}${nul}` },
      { bill_no: "" },
      // Two values: form-encoded, a one-element array would read as the valid "31337".
      { merchant_id: ["31337", "31337"] },
    ]);
    const faspayBody = { ...notification, ...bad };
    const signed = {
      ...faspayBody,
      signature: faspaySignature(
        faspay.userId,
        faspay.password,
        String(faspayBody.bill_no),
        String(faspayBody.payment_status_code),
      ),
    };
    yield random.pick([
      { method: "POST", path: "faspay-webhook", headers: json, body: JSON.stringify(signed) },
      {
        method: "POST",
        path: "faspay-webhook",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(
          Object.entries(signed).map(([k, v]) => [k, String(v)]),
        ).toString(),
      },
      {
        method: "POST",
        path: "faspay-webhook",
        headers: json,
        body: JSON.stringify({ ...notification, signature: "0".repeat(40) }),
      },
      {
        method: "POST",
        path: "faspay-webhook",
        headers: json,
        body: random.pick(["", "{", "[]", nul, "x".repeat(300 * 1024)]),
      },
      { method: "PUT", path: "faspay-webhook", headers: json, body: JSON.stringify(signed) },
    ]);

    // Zoom: a participant event of a real meeting with one field wrong, signed as Zoom signs.
    const at = new Date(Date.now() - 60e3);
    const zoomEvent = participantEvent(
      random.pick(["joined", "left"] as const),
      random.pick(real.zoomMeetings),
      {
        uuid: `p-fuzz-${round}`,
        email: "member01@example.test",
        at,
      },
    );
    const object = zoomEvent.payload.object as Record<string, unknown>;
    const participant = object.participant as Record<string, unknown>;
    const time = "join_time" in participant ? "join_time" : "leave_time";
    random.pick<() => void>([
      () => (participant[time] = random.pick(badByKind.dateTime)),
      () => delete participant[time],
      () =>
        (participant.email = random.pick([
          `a${nul}@example.test`,
          "\ud800@example.test",
          5,
          "e".repeat(400),
        ])),
      () => (participant.user_name = random.pick([`n${nul}`, "\udfff", "n".repeat(300), []])),
      () => {
        delete participant.participant_uuid;
        delete participant.user_id;
      },
      () => (participant.participant_uuid = random.pick([`p${nul}`, "", "p".repeat(300), {}])),
      () =>
        (object.id = random.pick([
          "123",
          "abc",
          "",
          `85512345678${nul}`,
          1.5,
          -1,
          null,
          "1".repeat(13),
        ])),
      () => (object.participant = random.pick([null, "text", [], 1])),
      () => ((zoomEvent.payload as Record<string, unknown>).object = random.pick([null, [], "x"])),
    ])();
    const zoomBody = JSON.stringify(
      random.chance(0.8)
        ? zoomEvent
        : {
            event: "endpoint.url_validation",
            payload: { plainToken: random.pick(["", nul, "t".repeat(300), 5, null, [], "\ud800"]) },
          },
    );
    yield { method: "POST", path: "zoom-webhook", headers: zoomHeaders(zoomBody), body: zoomBody };
    yield random.pick([
      {
        method: "POST",
        path: "zoom-webhook",
        headers: zoomHeaders(JSON.stringify(zoomEvent), undefined, "not the secret"),
        body: JSON.stringify(zoomEvent),
      },
      {
        method: "POST",
        path: "zoom-webhook",
        headers: zoomHeaders(JSON.stringify(zoomEvent), Math.floor(Date.now() / 1000) - 3600),
        body: JSON.stringify(zoomEvent),
      },
      {
        method: "POST",
        path: "zoom-webhook",
        headers: json,
        body: random.pick(["", "{", "[]", nul, JSON.stringify(zoomEvent), "x".repeat(300 * 1024)]),
      },
      { method: "GET", path: "zoom-webhook", headers: {} },
    ]);
  }
}

interface Answer {
  request: FuzzRequest;
  status: number;
  body: string;
}

/** The answer; a connection the server broke counts as a server error (status 0). */
async function send(request: FuzzRequest): Promise<Answer> {
  try {
    const response = await fetch(`${w.stack.apiUrl}/functions/v1/${request.path}`, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      // A redirect is an answer (tracking links): counted as accepted, not followed off the machine.
      redirect: "manual",
    });
    return { request, status: response.status, body: (await response.text()).slice(0, 300) };
  } catch (error) {
    return { request, status: 0, body: `no answer: ${String((error as Error).cause ?? error)}` };
  }
}

/** Sends `requests` a few at a time, as clients would. */
async function sendAll(requests: FuzzRequest[], parallel = 6): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < requests.length; i += parallel)
    answers.push(...(await Promise.all(requests.slice(i, i + parallel).map(send))));
  return answers;
}

const describeAnswer = ({ request, status, body }: Answer) =>
  `${status} ${request.method} /functions/v1/${request.path} ${JSON.stringify(request.body ?? "").slice(0, 160)} → ${body}`;

describe(`edge functions under malformed input (FUZZ_SEED=${seed})`, () => {
  it("answer every malformed body, path, query string and webhook with a 4xx and write nothing", async () => {
    const random = generator(seed);
    const requests = [...bodyRequests(random), ...pathRequests(random), ...webhookRequests(random)];
    const before = await snapshot();
    const answers = await sendAll(requests);
    const after = await snapshot();

    const serverErrors = answers
      .filter((answer) => answer.status >= 500 || answer.status === 0)
      .map(describeAnswer);
    expect(serverErrors, `seed ${seed}`).toEqual([]);
    const accepted = answers.filter((answer) => answer.status < 400).map(describeAnswer);
    expect(accepted, `seed ${seed}: requests that are wrong were accepted`).toEqual([]);
    const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
    expect(changed, `seed ${seed}: tables written by refused requests`).toEqual([]);
    // Every function was called.
    const paths = new Set(requests.map((request) => request.path.split(/[/?]/)[0]));
    expect([...paths].sort()).toEqual([
      "campaign-tracking",
      "certificates",
      "faspay-webhook",
      "payments",
      "receipts",
      "stripe-webhook",
      "survey-export",
      "zoom",
      "zoom-webhook",
    ]);
  });

  it("refuses with 400 what PostgreSQL would have refused with an error (the issue's cases)", async () => {
    const [paid] = await w.db.sql(
      `select id from public.invoices where status = 'paid' order by number limit 1`,
    );
    const before = await snapshot();
    const cases: Array<[FuzzRequest, string]> = [
      // 10^12 is past PostgreSQL's integer (22003)
      [
        {
          method: "POST",
          path: "payments/refund",
          headers: { ...json, ...authorization("admin") },
          body: JSON.stringify({ invoice_id: paid!.id, amount: 1e12 }),
        },
        "amount",
      ],
      // year 0 is not a PostgreSQL date (22008)
      [
        {
          method: "POST",
          path: "certificates/expiry",
          headers: { ...json, ...authorization("admin") },
          body: JSON.stringify({
            certificate_id: real.certificates[0],
            expires_at: "0000-01-01T00:00:00Z",
          }),
        },
        "expires_at",
      ],
      // NUL cannot be stored in text (22P05 / 22021)
      [
        { method: "GET", path: "certificates/verify/AB%00CD", headers: authorization("anon") },
        "code",
      ],
      [
        {
          method: "POST",
          path: "certificates/verify",
          headers: { ...json, ...authorization("anon") },
          body: JSON.stringify({ code: "AB\u0000CD" }),
        },
        "code",
      ],
    ];
    for (const [request, field] of cases) {
      const answer = await send(request);
      expect(answer.status, describeAnswer(answer)).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({
        error: { code: "invalid_request", message: expect.stringContaining(field) },
      });
    }
    expect(await snapshot()).toEqual(before);
  });

  it("answers 413 for a body past the limit, before reading it whole", async () => {
    const answer = await send({
      method: "POST",
      path: "payments/refund",
      headers: { ...json, ...authorization("admin") },
      body: JSON.stringify({ reason: "r".repeat(300 * 1024) }),
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "payload_too_large" } });
  });
});
