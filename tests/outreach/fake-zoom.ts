// A local stand-in for Zoom, as tests/payments/fakes.ts is for Stripe: the Server-to-Server OAuth
// token endpoint and meeting creation, answered as Zoom answers them, and Zoom's webhook signature.
import { createHmac } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { FakeServer, readBody, send } from "../payments/fakes.ts";

export const zoom = {
  accountId: "acc_pitlane",
  clientId: "client_pitlane",
  clientSecret: "secret_pitlane",
  webhookSecret: "zoom_webhook_secret_token",
};

/** An organization's own Zoom account's Server-to-Server OAuth app. */
export const organizationZoom = {
  accountId: "acc_academy",
  clientId: "client_academy",
  clientSecret: "secret_academy",
  webhookSecret: "academy_webhook_secret_token",
};

const apps = [zoom, organizationZoom];

export interface CreatedMeeting {
  id: number;
  topic: string;
  start_time: string;
  duration: number;
  /** The Zoom account whose app's token made it. */
  account: string;
}

export class FakeZoom extends FakeServer {
  readonly meetings: CreatedMeeting[] = [];

  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const body = await readBody(req);
    if (req.method === "POST" && url.pathname === "/oauth/token") {
      const app = apps.find(
        (candidate) =>
          req.headers.authorization ===
            `Basic ${Buffer.from(`${candidate.clientId}:${candidate.clientSecret}`).toString("base64")}` &&
          url.searchParams.get("account_id") === candidate.accountId,
      );
      if (!app || url.searchParams.get("grant_type") !== "account_credentials")
        return send(res, 401, {
          reason: "Invalid client_id or client_secret",
          error: "invalid_client",
        });
      return send(res, 200, {
        access_token: `zoom-access-token-${app.accountId}`,
        token_type: "bearer",
        expires_in: 3599,
        scope: "meeting:write",
      });
    }
    if (req.method === "POST" && url.pathname === "/v2/users/me/meetings") {
      const account = apps.find(
        (app) => req.headers.authorization === `Bearer zoom-access-token-${app.accountId}`,
      )?.accountId;
      if (!account) return send(res, 401, { code: 124, message: "Invalid access token." });
      const input = JSON.parse(body) as { topic: string; start_time: string; duration: number };
      const id = 80000000000 + this.meetings.length + Math.floor(Math.random() * 1e6) * 10;
      this.meetings.push({
        id,
        topic: input.topic,
        start_time: input.start_time,
        duration: input.duration,
        account,
      });
      return send(res, 201, {
        id,
        topic: input.topic,
        start_time: input.start_time,
        duration: input.duration,
        join_url: `https://us02web.zoom.us/j/${id}?pwd=abc`,
        start_url: `https://us02web.zoom.us/s/${id}?zak=host`,
        password: "123456",
      });
    }
    send(res, 404, { code: 404, message: "Not found" });
  }
}

/** Zoom's webhook headers for `body`: x-zm-signature = v0= hex HMAC-SHA256("v0:{ts}:{body}"). */
export function zoomHeaders(
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
  secret = zoom.webhookSecret,
) {
  const signature = createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex");
  return {
    "content-type": "application/json",
    "x-zm-request-timestamp": String(timestamp),
    "x-zm-signature": `v0=${signature}`,
  };
}

/** A participant joined or left event as Zoom sends it. */
export function participantEvent(
  kind: "joined" | "left",
  meetingId: string,
  participant: { uuid: string; email: string; at: Date },
) {
  return {
    event: `meeting.participant_${kind}`,
    event_ts: participant.at.getTime(),
    payload: {
      account_id: zoom.accountId,
      object: {
        id: meetingId,
        uuid: "meeting-uuid==",
        host_id: "host",
        topic: "Online event",
        participant: {
          user_id: "16778240",
          user_name: "Participant",
          participant_uuid: participant.uuid,
          email: participant.email,
          [kind === "joined" ? "join_time" : "leave_time"]: participant.at
            .toISOString()
            .replace(/\.\d{3}Z$/, "Z"),
        },
      },
    },
  };
}
