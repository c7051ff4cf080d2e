// Zoom meetings for online and hybrid events (sql/ zoom migration):
//   POST /zoom/meetings {event_id, session_id?, attendance_threshold?}
// as the organization's staff (their JWT): the database says what to ask for and whether the
// caller may (zoom_meeting_request: 404/409 before Zoom is called), the function creates the
// meeting with Zoom's API under a server-to-server OAuth app, and link_zoom_meeting records it and
// gives its join link to the confirmed registrants (event_join_details). To link a meeting made in
// Zoom itself, call link_zoom_meeting directly.
//
// Secrets: ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET (the project's Server-to-Server
// OAuth app); an organization with a Zoom account of its own has the same three suffixed with its
// id in capitals without dashes (ZOOM_ACCOUNT_ID_0A1B…), and its meetings are made there;
// ZOOM_API_URL and ZOOM_OAUTH_URL only to point at another server (tests use a fake Zoom).
import { z } from "zod";
import { HttpError, json, requireSecrets, serve } from "../_shared/http.ts";
import { pathSegments, readJson } from "../_shared/input.ts";
import { callerClient, fromPostgrest, requireUser } from "../_shared/supabase.ts";
import { organizationSecretName } from "../_shared/zoom.ts";
// The body's schema is shared with the SDK.
import { ZoomMeetingBody as Input } from "../../clients/src/schemas/events.ts";

const Token = z.object({ access_token: z.string().min(1) });
const Meeting = z.object({
  id: z.union([z.number().int(), z.string()]),
  join_url: z.string().url(),
  start_url: z.string().url().optional(),
  password: z.string().optional(),
});

/** Zoom's answer as `schema` reads it; anything else is Zoom's fault, a 502. */
function fromZoom<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new HttpError(502, "zoom_unavailable", "Zoom answered in an unexpected shape");
  return parsed.data;
}

/**
 * The organization's Server-to-Server OAuth app when any of its three secrets is set (then all
 * three are required: half an app must not silently fall back to the project's account), else the
 * project's.
 */
function credentials(organizationId: string) {
  const names = ["ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET"] as const;
  const own = names.some((name) => Deno.env.get(organizationSecretName(name, organizationId)));
  const secrets = requireSecrets(
    names.map((name) => (own ? organizationSecretName(name, organizationId) : name)),
  );
  const [accountId, clientId, clientSecret] = Object.values(secrets);
  return { accountId: accountId!, clientId: clientId!, clientSecret: clientSecret! };
}

/** A Server-to-Server OAuth access token (grant_type=account_credentials). */
async function accessToken(organizationId: string): Promise<string> {
  const app = credentials(organizationId);
  const oauth = Deno.env.get("ZOOM_OAUTH_URL") ?? "https://zoom.us";
  const response = await fetch(
    `${oauth}/oauth/token?grant_type=account_credentials&account_id=${encodeURIComponent(app.accountId)}`,
    {
      method: "POST",
      headers: { Authorization: `Basic ${btoa(`${app.clientId}:${app.clientSecret}`)}` },
    },
  );
  if (!response.ok)
    throw new HttpError(
      502,
      "zoom_unavailable",
      `Zoom refused the app's credentials (${response.status})`,
    );
  return fromZoom(Token, await response.json()).access_token;
}

serve(async (req) => {
  const [route, ...rest] = pathSegments(req);
  if (route !== "meetings" || rest.length > 0)
    throw new HttpError(404, "not_found", "POST /zoom/meetings {event_id, session_id?}");
  if (req.method !== "POST")
    throw new HttpError(405, "method_not_allowed", "POST /zoom/meetings {event_id, session_id?}");
  const caller = callerClient(req);
  await requireUser(caller);
  const input = await readJson(req, Input);
  const { data: request, error } = await caller.rpc("zoom_meeting_request", {
    p_event_id: input.event_id,
    p_session_id: input.session_id,
  });
  if (error) throw fromPostgrest(error);
  const { topic, starts_at, duration_minutes } = request as {
    topic: string;
    starts_at: string;
    duration_minutes: number;
  };

  // The caller may manage the event (zoom_meeting_request said so), so it reads its organization.
  const { data: event, error: eventError } = await caller
    .from("events")
    .select("organization_id")
    .eq("id", input.event_id)
    .single();
  if (eventError) throw fromPostgrest(eventError);
  const token = await accessToken(event.organization_id as string);
  const api = Deno.env.get("ZOOM_API_URL") ?? "https://api.zoom.us/v2";
  const created = await fetch(`${api}/users/me/meetings`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({
      topic: topic.slice(0, 200),
      type: 2,
      start_time: new Date(starts_at).toISOString().replace(/\.\d{3}Z$/, "Z"),
      duration: duration_minutes,
      timezone: "UTC",
      // Registrants join with the link; emails in the participant events match them to registrations.
      settings: { join_before_host: false, waiting_room: true },
    }),
  });
  if (!created.ok)
    throw new HttpError(
      502,
      "zoom_unavailable",
      `Zoom did not create the meeting (${created.status})`,
    );
  const meeting = fromZoom(Meeting, await created.json());

  const { data: linked, error: linkError } = await caller.rpc("link_zoom_meeting", {
    p_event_id: input.event_id,
    p_session_id: input.session_id,
    p_zoom_meeting_id: String(meeting.id),
    p_join_url: meeting.join_url,
    p_start_url: meeting.start_url,
    p_passcode: meeting.password,
    p_attendance_threshold: input.attendance_threshold,
  });
  if (linkError) throw fromPostgrest(linkError);
  return json(linked, 201);
});
