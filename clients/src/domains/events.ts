// Events and registrations: browse and search, register (capacity, waitlist), cancel, claim a
// waitlist offer, transfer; an event's category and region; its Zoom meeting (made through the
// `zoom` edge function, whose request body is checked here with the schema it parses with).
import {
  type Args,
  invoke,
  type PitlaneSupabase,
  type Returns,
  rows,
  rpc,
  userId,
  sorted,
  validate,
} from "../call.ts";
import { ZoomMeetingBody } from "../schemas/events.ts";

export interface EventListOptions {
  /** Words in the title (case-insensitive). */
  search?: string;
  /** Only events starting at or after this time (ISO 8601). */
  from?: string;
  limit?: number;
}

export function events(client: PitlaneSupabase) {
  return {
    /** Published events, soonest first. */
    list: (options: EventListOptions = {}) => {
      const limit = options.limit ?? 50;
      // A search goes through search_events: under RLS, `title=ilike` on events can use neither
      // the title's index nor its statistics (sql/0073_event_search.sql).
      if (options.search)
        return rpc(client, "search_events", {
          search: options.search,
          starts_from: options.from,
          max_rows: limit,
        });
      let query = client.from("events").select("*").eq("status", "published");
      if (options.from) query = query.gte("starts_at", options.from);
      return rows(sorted(query, { starts_at: "asc" }).limit(limit));
    },
    get: (id: string) =>
      rows(client.from("events").select("*, event_sessions(*)").eq("id", id).single()),
    register: (eventId: string, invitedBy?: string) =>
      rpc(client, "register_for_event", { p_event_id: eventId, p_invited_by: invitedBy }),
    cancel: (registrationId: string, reason?: string) =>
      rpc(client, "cancel_registration", { p_registration_id: registrationId, p_reason: reason }),
    claimWaitlistOffer: (registrationId: string) =>
      rpc(client, "claim_waitlist_offer", { p_registration_id: registrationId }),
    transfer: (registrationId: string, recipientId: string) =>
      rpc(client, "transfer_registration", {
        p_registration_id: registrationId,
        p_recipient_id: recipientId,
      }),
    /** The signed-in person's registrations with their events, newest first. */
    myRegistrations: async () =>
      rows(
        sorted(
          client
            .from("event_registrations")
            .select("*, event:events(id, title, starts_at, ends_at, status)")
            .eq("user_id", await userId(client)),
          { created_at: "desc" },
        ),
      ),
    /** A waitlisted registration's place in the queue (1 = next offered), or null if not waiting. */
    waitlistPosition: (registrationId: string) =>
      rpc(client, "waitlist_position", { p_registration_id: registrationId }),
    registration: (id: string) =>
      rows(client.from("event_registrations").select("*").eq("id", id).single()),
    /** Staff: the event's category and region (`reference_items` ids, null to clear). */
    classify: (
      eventId: string,
      references: { category_id?: string | null; region_id?: string | null },
    ) =>
      rows(
        client
          .from("events")
          .update(references)
          .eq("id", eventId)
          .select(
            "*, category:reference_items!category_id(code, label), region:reference_items!region_id(code, label)",
          )
          .single(),
      ),
    /** Staff: a new Zoom meeting for the event (or one of its sessions), linked to it. */
    createZoomMeeting: (body: ZoomMeetingBody) =>
      invoke<Returns<"link_zoom_meeting">>(
        client,
        "zoom/meetings",
        validate(ZoomMeetingBody, body),
      ),
    /** Staff: a meeting made in Zoom itself, linked to the event (or one of its sessions). */
    linkZoomMeeting: (args: Args<"link_zoom_meeting">) => rpc(client, "link_zoom_meeting", args),
  };
}
