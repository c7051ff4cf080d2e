// A campaign email (sql/ email campaigns migration): subject and body come from the outbox row
// with merge fields already filled in by the database. The body is plain text: blank lines
// separate paragraphs and URLs become links. With click tracking every link goes through the
// campaign-tracking function, which records the click and redirects to the URL (only to a URL the
// campaign's body holds); with open tracking a 1×1 image from the same function records the open.
import { z } from "zod";
import { escapeHtml } from "../_shared/html.ts";
import type { Rendered } from "./templates.ts";

export const CampaignData = z
  .object({
    title: z.string().min(1),
    body: z.string().min(1),
    organization: z.string(),
    recipient_id: z.string().uuid().optional(),
    track_opens: z.boolean().default(false),
    track_clicks: z.boolean().default(false),
  })
  .passthrough();

const url = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g;

export function renderCampaign(
  d: z.infer<typeof CampaignData>,
  links: { unsubscribe?: string; tracking?: string },
): Rendered {
  const tracked = (href: string) =>
    d.track_clicks && d.recipient_id && links.tracking
      ? `${links.tracking}/click/${d.recipient_id}?u=${encodeURIComponent(href)}`
      : href;
  const paragraphs = d.body
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  const html = paragraphs
    .map((p) => {
      let out = "";
      let last = 0;
      for (const match of p.matchAll(url)) {
        out += escapeHtml(p.slice(last, match.index));
        out += `<a href="${escapeHtml(tracked(match[0]))}">${escapeHtml(match[0])}</a>`;
        last = match.index + match[0].length;
      }
      return `<p>${(out + escapeHtml(p.slice(last))).replace(/\r?\n/g, "<br>")}</p>`;
    })
    .join("\n");
  const footer = `You get this email from ${d.organization}.`;
  const pixel =
    d.track_opens && d.recipient_id && links.tracking
      ? `<img src="${escapeHtml(`${links.tracking}/open/${d.recipient_id}.gif`)}" width="1" height="1" alt="">`
      : "";
  return {
    subject: d.title,
    text: [
      ...paragraphs.flatMap((p) => [p, ""]),
      "--",
      footer,
      ...(links.unsubscribe ? [`Unsubscribe: ${links.unsubscribe}`] : []),
    ].join("\n"),
    html: `<!doctype html><html><body style="font-family:sans-serif;max-width:560px;margin:auto">
${html}
<hr><p style="font-size:12px;color:#666">${escapeHtml(footer)}${links.unsubscribe ? ` <a href="${escapeHtml(links.unsubscribe)}">Unsubscribe</a>` : ""}</p>${pixel}
</body></html>`,
  };
}
