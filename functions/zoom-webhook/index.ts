// Zoom's webhooks (verify_jwt = false: Zoom signs with the app's secret token instead).
//   endpoint.url_validation        answered with {plainToken, encryptedToken}, as Zoom requires
//   meeting.participant_joined     recorded once each by record_zoom_participant_event, which
//   meeting.participant_left       matches the participant to a registration by email and checks
//                                  them in once they attended the meeting's threshold share
//   anything else                  acknowledged and ignored
// Every request must carry x-zm-signature = "v0=" + hex HMAC-SHA256 of "v0:{timestamp}:{body}"
// with ZOOM_WEBHOOK_SECRET_TOKEN, and an x-zm-request-timestamp within five minutes of now;
// otherwise 400 and nothing is recorded.
import { z } from "zod";
import { HttpError, json, requireEnv, serve } from "../_shared/http.ts";
import { dateTime, parseInput, parseJson, readText, text } from "../_shared/input.ts";
import { adminClient, fromPostgrest } from "../_shared/supabase.ts";

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

serve(async (req) => {
  if (req.method !== "POST")
    throw new HttpError(405, "method_not_allowed", "Zoom POSTs its events");
  const secret = requireEnv("ZOOM_WEBHOOK_SECRET_TOKEN");
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
  const { data, error } = await adminClient().rpc("record_zoom_participant_event", {
    p_event: parseJson(body, Participant),
  });
  // A meeting Pitlane did not make (the Zoom account has others): acknowledged, so Zoom stops retrying.
  if (error?.code === "PT404") return json({ ignored: "unknown meeting" });
  if (error) throw fromPostgrest(error);
  return json(data);
});
