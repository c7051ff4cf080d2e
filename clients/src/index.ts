// @pitlane/sdk: a supabase-js client typed with Pitlane's generated Database, plus one module per
// domain. Every module call is a thin wrapper over the table, view, RPC or edge function the
// README's endpoint maps name, resolving to its data or throwing a PitlaneError; the client
// itself stays a full supabase-js client (`pitlane.from(…)`, `pitlane.auth`, `pitlane.channel(…)`).
import { createClient, type SupabaseClientOptions } from "@supabase/supabase-js";
import type { Database } from "../database.types.ts";
import type { PitlaneSupabase } from "./call.ts";
import { appointments } from "./domains/appointments.ts";
import { attendance } from "./domains/attendance.ts";
import { certificates } from "./domains/certificates.ts";
import { chat } from "./domains/chat.ts";
import { content } from "./domains/content.ts";
import { cpd } from "./domains/cpd.ts";
import { events } from "./domains/events.ts";
import { forum } from "./domains/forum.ts";
import { learning } from "./domains/learning.ts";
import { marketplace } from "./domains/marketplace.ts";
import { memberships, offers, referrals } from "./domains/memberships.ts";
import { notifications } from "./domains/notifications.ts";
import { payments } from "./domains/payments.ts";
import { outreach } from "./domains/outreach.ts";
import { organizations, people } from "./domains/people.ts";
import { surveys } from "./domains/surveys.ts";
import { vehicles } from "./domains/vehicles.ts";
import { live } from "./realtime.ts";

export type { Database, Json } from "../database.types.ts";
export type { Args, Insert, PitlaneSupabase, Returns, Row, Update } from "./call.ts";
export { PitlaneError, type PitlaneService } from "./errors.ts";
export type { OfflineScan } from "./domains/attendance.ts";
export type { CertificatePdf } from "./domains/certificates.ts";
export type { EventListOptions } from "./domains/events.ts";
export type { CheckoutAnswer } from "./domains/payments.ts";
export type { TelemetryReceipt, UploadOptions } from "./domains/vehicles.ts";
export type { ChatThreadHandlers, Live, LiveChatThread, LiveOptions } from "./realtime.ts";
export {
  CheckInQueue,
  type CheckInResult,
  memoryStore,
  type QueuedScan,
  type QueueStore,
  TelemetryUploader,
  type TelemetryUploaderOptions,
} from "./offline.ts";

/** The domain modules over one supabase-js client. */
export function domains(client: PitlaneSupabase) {
  return {
    people: people(client),
    organizations: organizations(client),
    events: events(client),
    attendance: attendance(client),
    learning: learning(client),
    certificates: certificates(client),
    cpd: cpd(client),
    payments: payments(client),
    notifications: notifications(client),
    vehicles: vehicles(client),
    appointments: appointments(client),
    memberships: memberships(client),
    offers: offers(client),
    referrals: referrals(client),
    chat: chat(client),
    marketplace: marketplace(client),
    forum: forum(client),
    content: content(client),
    surveys: surveys(client),
    outreach: outreach(client),
    /** Realtime subscriptions that rejoin by themselves and say when they are live. */
    live: live(client),
  };
}

export type PitlaneClient = PitlaneSupabase & ReturnType<typeof domains>;

/**
 * A supabase-js client for Pitlane with the domain modules on it. `options` are supabase-js's own
 * (on Node 20, pass `realtime: { transport: WebSocket }` from the `ws` package).
 */
export function createPitlaneClient(
  url: string,
  key: string,
  options?: SupabaseClientOptions<"public">,
): PitlaneClient {
  return withDomains(createClient<Database>(url, key, options));
}

/** The domain modules added to a client made elsewhere (by @supabase/ssr, say). */
export function withDomains(client: PitlaneSupabase): PitlaneClient {
  return Object.assign(client, domains(client));
}
