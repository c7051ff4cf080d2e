// Zoom's webhooks (verify_jwt = false: Zoom signs with the app's secret token instead).
//   POST /zoom-webhook                    the project's Zoom app: ZOOM_WEBHOOK_SECRET_TOKEN
//   POST /zoom-webhook/<organization id>  an organization's own Zoom app: its secret token,
//                                         ZOOM_WEBHOOK_SECRET_TOKEN_<id in capitals, no dashes>;
//                                         it records attendance for that organization's meetings only
//   endpoint.url_validation        answered with {plainToken, encryptedToken}, as Zoom requires
//   meeting.participant_joined     recorded once each by record_zoom_participant_event, which
//   meeting.participant_left       matches the participant to a registration by email and checks
//                                  them in once they attended the meeting's threshold share
//   anything else                  acknowledged and ignored
// Every request must carry x-zm-signature = "v0=" + hex HMAC-SHA256 of "v0:{timestamp}:{body}"
// with the app's secret token, and an x-zm-request-timestamp within five minutes of now;
// otherwise 400 and nothing is recorded.
import { z } from "zod";
import { HttpError, json, requireEnv, serve } from "../_shared/http.ts";
import { dateTime, parseInput, parseJson, pathSegments, readText, text } from "../_shared/input.ts";
import { adminClient, fromPostgrest } from "../_shared/supabase.ts";
import { organizationSecretName } from "../_shared/zoom.ts";

const FRESH_SECONDS = 300;

const Envelope = z.object({
  event: text(100, 1),
  payload: z.record(z.string(), z.unknown()),
});
const Validation = z.object({ plainToken: text(200, 1) });
// The fields record_zoom_participant_event reads, checked here so that PostgreSQL's looser casts
// (a join_time of "yesterday" or "infinity") never reach it; other fields are dropped.
const zoomId = z.union([text(200, 1), z.number().int().nonnegative()]);
const Participant = z.object({
  event: z.enum(["meeting.participant_joined", "meeting.participant_left"]),
  payload: z.object({
    object: z.object({
      id: z.union([
        z.string().regex(/^\d{9,12}$/, "must be a Zoom meeting id"),
        z
          .number()
          .int()
          .min(1e8)
          .max(1e12 - 1),
      ]),
      participant: z.object({
        participant_uuid: zoomId.optional(),
        user_id: zoomId.optional(),
        id: zoomId.optional(),
        email: text(320).optional(),
        user_name: text(200).optional(),
        join_time: dateTime.optional(),
        leave_time: dateTime.optional(),
      }),
    }),
  }),
});

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const signature = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message));
  return Array.from(new Uint8Array(signature), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Equal strings, compared in time that does not depend on where they differ. */
function same(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whose Zoom app the URL names: the project's, or an organization's own. An organization without a
 * secret token of its own has no webhook URL here (404), rather than falling back to the project's.
 */
function app(req: Request): { organizationId: string | null; secret: string } {
  const segments = pathSegments(req);
  if (segments.length === 0)
    return { organizationId: null, secret: requireEnv("ZOOM_WEBHOOK_SECRET_TOKEN") };
  const [organizationId] = segments;
  const secret =
    segments.length === 1 && UUID.test(organizationId!)
      ? Deno.env.get(organizationSecretName("ZOOM_WEBHOOK_SECRET_TOKEN", organizationId!))
      : undefined;
  if (!secret)
    throw new HttpError(
      404,
      "not_found",
      "POST /zoom-webhook, or /zoom-webhook/<organization id> for an organization with a Zoom app of its own",
    );
  return { organizationId: organizationId!.toLowerCase(), secret };
}

serve(async (req) => {
  if (req.method !== "POST")
    throw new HttpError(405, "method_not_allowed", "Zoom POSTs its events");
  const { organizationId, secret } = app(req);
  const body = await readText(req);
  const timestamp = req.headers.get("x-zm-request-timestamp") ?? "";
  const signature = req.headers.get("x-zm-signature") ?? "";
  if (!/^\d{1,12}$/.test(timestamp))
    throw new HttpError(400, "invalid_signature", "x-zm-request-timestamp is missing");
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > FRESH_SECONDS)
    throw new HttpError(
      400,
      "stale_request",
      "the request's timestamp is more than five minutes off",
    );
  if (!same(signature, `v0=${await hmacHex(secret, `v0:${timestamp}:${body}`)}`))
    throw new HttpError(400, "invalid_signature", "x-zm-signature does not match the body");

  const envelope = parseJson(body, Envelope);
  if (envelope.event === "endpoint.url_validation") {
    const { plainToken } = parseInput(Validation, envelope.payload);
    return json({ plainToken, encryptedToken: await hmacHex(secret, plainToken) });
  }
  if (
    envelope.event !== "meeting.participant_joined" &&
    envelope.event !== "meeting.participant_left"
  )
    return json({ ignored: envelope.event });
  const p_event = parseJson(body, Participant);
  const { data, error } = organizationId
    ? await adminClient().rpc("record_organization_zoom_participant_event", {
        p_organization_id: organizationId,
        p_event,
      })
    : await adminClient().rpc("record_zoom_participant_event", { p_event });
  // A meeting Pitlane did not make (the Zoom account has others), or, for an organization's app,
  // another organization's: acknowledged, so Zoom stops retrying, and nothing is recorded.
  if (error?.code === "PT404") return json({ ignored: "unknown meeting" });
  if (error) throw fromPostgrest(error);
  return json(data);
});
