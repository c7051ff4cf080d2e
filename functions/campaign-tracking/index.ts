// Campaign open and click tracking (sql/ email campaigns migration), linked from campaign emails
// sent with tracking on; no sign-in, as mail clients load it:
//   GET /campaign-tracking/open/<recipient id>.gif        records an open, answers a 1×1 GIF
//   GET /campaign-tracking/click/<recipient id>?u=<url>   records a click, redirects (302) to url
// The redirect goes only to a URL the campaign's body holds (record_campaign_click checks), so
// the link cannot be turned into an open redirect. The pixel answers the same image whatever the
// id, so it tells nobody which recipients exist.
import { z } from "zod";
import { HttpError, serve } from "../_shared/http.ts";
import { parseInput, pathSegments, readQuery, text, uuid } from "../_shared/input.ts";
import { adminClient, fromPostgrest } from "../_shared/supabase.ts";

const gif = Uint8Array.from(atob("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"), (c) =>
  c.charCodeAt(0),
);
const noStore = { "cache-control": "no-store, private" };

serve(async (req) => {
  if (req.method !== "GET" && req.method !== "HEAD")
    throw new HttpError(405, "method_not_allowed", "GET a tracking link");
  const [kind, last, ...rest] = pathSegments(req);
  if (rest.length > 0 || !last || (kind !== "open" && kind !== "click"))
    throw new HttpError(
      404,
      "not_found",
      "use /open/<recipient id>.gif or /click/<recipient id>?u=<url>",
    );
  const db = adminClient();
  if (kind === "open") {
    const id = parseInput(uuid, last.replace(/\.gif$/, ""));
    const { error } = await db.rpc("record_campaign_open", { p_recipient_id: id });
    if (error) throw fromPostgrest(error);
    return new Response(req.method === "HEAD" ? null : gif, {
      headers: { "content-type": "image/gif", ...noStore },
    });
  }
  const id = parseInput(uuid, last);
  const { u } = readQuery(req, z.object({ u: text(2000, 1) }));
  const { data: followed, error } = await db.rpc("record_campaign_click", {
    p_recipient_id: id,
    p_url: u,
  });
  if (error) throw fromPostgrest(error);
  if (followed !== true) throw new HttpError(404, "not_found", "this link is not in the campaign");
  return new Response(null, { status: 302, headers: { location: u, ...noStore } });
});
