// Outreach: an organization's contact book with its consent history, segments, email campaigns
// and the communication log (sql/0055–0058). Everything here is the organization's staff's (and
// platform admins'); RLS refuses anyone else, and the RPCs answer 403/404 for them.
import { type Args, type Insert, type PitlaneSupabase, rows, rpc, sorted } from "../call.ts";

/** The columns staff may write (column privileges keep the rest the database's). */
type ContactFields = Pick<
  Insert<"contacts">,
  | "organization_id"
  | "email"
  | "full_name"
  | "phone"
  | "company"
  | "tags"
  | "custom_fields"
  | "source"
>;
type ContactChanges = Omit<ContactFields, "organization_id">;
type ConsentFields = Pick<
  Insert<"contact_consents">,
  "contact_id" | "channel" | "granted" | "method" | "note"
>;
type SegmentFields = Pick<
  Insert<"contact_segments">,
  "organization_id" | "name" | "description" | "rules"
>;
type CampaignFields = Pick<
  Insert<"email_campaigns">,
  | "organization_id"
  | "name"
  | "subject"
  | "sender_name"
  | "body"
  | "event_id"
  | "segment_id"
  | "contact_ids"
  | "track_opens"
  | "track_clicks"
  | "rate_per_minute"
>;
type ActivityFields = Pick<
  Insert<"contact_activities">,
  "contact_id" | "kind" | "subject" | "body" | "occurred_at"
>;

/**
 * A consent or log entry's organization is its contact's, set by a trigger: the generated Insert
 * type, which cannot know that, still asks for it.
 */
const fromContact = <Row extends { contact_id: string }>(row: Row) =>
  row as Row & { organization_id: string };

export function outreach(client: PitlaneSupabase) {
  return {
    /** The organization's contacts by email; `tag` narrows to those carrying it. */
    contacts: (organizationId: string, options: { tag?: string; limit?: number } = {}) => {
      let query = client.from("contacts").select("*").eq("organization_id", organizationId);
      if (options.tag) query = query.contains("tags", [options.tag]);
      return rows(sorted(query, { email: "asc" }).limit(options.limit ?? 100));
    },
    addContact: (contact: ContactFields) =>
      rows(client.from("contacts").insert(contact).select().single()),
    updateContact: (id: string, changes: Partial<ContactChanges>) =>
      rows(client.from("contacts").update(changes).eq("id", id).select().single()),
    removeContact: (id: string) =>
      rows(client.from("contacts").delete().eq("id", id).select("id").single()),
    /** CSV in, written whole or not at all: a 400 lists every bad row in `details`. */
    importContacts: (organizationId: string, csv: string, source?: string) =>
      rpc(client, "import_contacts", {
        p_organization_id: organizationId,
        p_csv: csv,
        p_source: source,
      }),
    exportContacts: (organizationId: string) =>
      rpc(client, "export_contacts_csv", { p_organization_id: organizationId }),
    /** A consent given or withdrawn (append-only); withdrawing takes queued campaign mail out. */
    recordConsent: (consent: ConsentFields) =>
      rows(client.from("contact_consents").insert(fromContact(consent)).select().single()),
    consentHistory: (contactId: string) =>
      rows(
        sorted(client.from("contact_consents").select("*").eq("contact_id", contactId), {
          id: "desc",
        }),
      ),
    segments: (organizationId: string) =>
      rows(
        sorted(client.from("contact_segments").select("*").eq("organization_id", organizationId), {
          name: "asc",
        }),
      ),
    /** Rules are checked on save: an unknown rule is a 400 naming it. */
    saveSegment: (segment: SegmentFields) =>
      rows(client.from("contact_segments").insert(segment).select().single()),
    previewSegment: (args: Args<"preview_segment">) => rpc(client, "preview_segment", args),
    segmentContacts: (segmentId: string) =>
      rpc(client, "segment_contacts", { p_segment_id: segmentId }),
    campaigns: (organizationId: string) =>
      rows(
        sorted(client.from("email_campaigns").select("*").eq("organization_id", organizationId), {
          created_at: "desc",
        }),
      ),
    /** A draft; merge fields are checked on save. */
    draftCampaign: (campaign: CampaignFields) =>
      rows(client.from("email_campaigns").insert(campaign).select().single()),
    /** The campaign to the caller's own address, marked as a test. */
    sendTest: (campaignId: string) =>
      rpc(client, "send_campaign_test", { p_campaign_id: campaignId }),
    /** Queues it to every consenting contact of its audience now, or schedules it at `at`. */
    send: (campaignId: string, at?: string) =>
      rpc(client, "send_campaign", { p_campaign_id: campaignId, p_at: at }),
    cancel: (campaignId: string) => rpc(client, "cancel_campaign", { p_campaign_id: campaignId }),
    recipients: (campaignId: string) =>
      rows(
        sorted(client.from("campaign_recipients").select("*").eq("campaign_id", campaignId), {
          queued_at: "asc",
        }),
      ),
    /** A call, meeting or note in a contact's communication log. */
    logActivity: (activity: ActivityFields) =>
      rows(client.from("contact_activities").insert(fromContact(activity)).select().single()),
    /** Everything sent to and recorded about a contact, newest first, paged by `before`. */
    timeline: (contactId: string, options: { limit?: number; before?: string } = {}) =>
      rpc(client, "contact_timeline", {
        p_contact_id: contactId,
        p_limit: options.limit,
        p_before: options.before,
      }),
  };
}
