// One-click unsubscribe, without signing in: the link in every non-essential email and its
// List-Unsubscribe header. GET ?token=… shows a page with a button (mail scanners follow links,
// so a GET changes nothing); POST ?token=… (the button, or a mail client's RFC 8058 one-click
// POST of "List-Unsubscribe=One-Click") turns that type's email off through the
// unsubscribe_from_email RPC, which checks the token's signature.
import { createClient } from "@supabase/supabase-js";
import { HttpError, requireEnv, serve } from "../_shared/http.ts";
import { escapeHtml } from "../_shared/html.ts";
import { type Database, fromPostgrest } from "../_shared/supabase.ts";

function page(status: number, heading: string, body: string): Response {
  return new Response(
    `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(heading)}</title></head>
<body style="font-family:sans-serif;max-width:480px;margin:3em auto"><h1 style="font-size:20px">${escapeHtml(heading)}</h1>${body}</body></html>`,
    {
      status,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
    },
  );
}

serve(async (req) => {
  const url = new URL(req.url);
  const token = url.searchParams.get("token") ?? "";
  if (req.method === "GET") {
    if (!token)
      return page(
        400,
        "This unsubscribe link is not valid",
        "<p>Open the link from the email again.</p>",
      );
    return page(
      200,
      "Unsubscribe from these emails?",
      `<form method="post" action="?token=${encodeURIComponent(token)}"><button type="submit">Unsubscribe</button></form>`,
    );
  }
  if (req.method !== "POST") return page(405, "Use the link in the email", "");
  const anon = createClient<Database>(requireEnv("SUPABASE_URL"), requireEnv("SUPABASE_ANON_KEY"), {
    auth: { persistSession: false, autoRefreshToken: false },
  });
  const { data, error } = await anon.rpc("unsubscribe_from_email", { p_token: token });
  if (error) {
    // The RPC's refusals (4xx) are a bad or forged link; anything else is unexpected.
    const failure = fromPostgrest(error);
    if (!(failure instanceof HttpError)) throw failure;
    return page(
      failure.status,
      "This unsubscribe link is not valid",
      `<p>${escapeHtml(error.message)}. You can change your email settings in the app.</p>`,
    );
  }
  const { description } = data as { description: string };
  return page(
    200,
    "You are unsubscribed",
    `<p>You will no longer get emails about: ${escapeHtml(description)}.</p>`,
  );
});
