import type { Message } from "./inbox.ts";

/** What the page needs of a message; Mailpit's list endpoint (`/api/v1/messages`) returns it. */
type MessageSummary = Pick<Message, "ID" | "From" | "To" | "Subject" | "Created">;

/**
 * The table rows, newest first: Received, From, To and Subject. One piece of browser JavaScript,
 * which renders the first page on the server and the new mail in the page, so both show the same.
 */
const renderRowsSource = String.raw`
  const escape = (text) => String(text).replace(/[&<>"']/g, (char) => "&#" + char.charCodeAt(0) + ";");
  const address = (who) => (who.Name ? who.Name + " <" + who.Address + ">" : who.Address);
  if (messages.length === 0) return '<tr><td colspan="4">No messages yet.</td></tr>';
  return messages
    .map((message) =>
      "<tr><td>" + escape(message.Created.replace("T", " ").slice(0, 19)) + "</td>" +
      "<td>" + escape(address(message.From)) + "</td>" +
      "<td>" + escape(message.To.map(address).join(", ")) + "</td>" +
      '<td><a href="/view/' + encodeURIComponent(message.ID) + '.html" target="message">' + escape(message.Subject || "(no subject)") + "</a></td></tr>")
    .join("\n");
`;

// eslint-disable-next-line @typescript-eslint/no-implied-eval -- the page runs this same source; the server renders the first page with it
const renderRows = new Function("messages", renderRowsSource) as (
  messages: MessageSummary[],
) => string;

/** How often the page asks for new mail. */
export const refreshMs = 2_000;

/**
 * The inbox's page for people: every message with its sender and subject, the selected one beside
 * the list. It asks Mailpit's list endpoint for new mail every `refreshMs` and redraws the list when
 * it changed, so new mail appears without a reload.
 */
export function inboxPage(messages: MessageSummary[]): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Pitlane inbox (Mailpit)</title>
<style>body{font:14px system-ui,sans-serif;margin:0;display:flex;height:100vh}section{overflow:auto;padding:1em}
#list{flex:1;border-right:1px solid #ddd}#view{flex:1.2}iframe{border:0;width:100%;height:95%}td,th{padding:.3em .6em;border-bottom:1px solid #eee;text-align:left}</style>
</head><body>
<section id="list"><h1>Inbox</h1><p>Every email the local stack sends; new mail appears by itself. JSON (Mailpit's API): <a href="/api/v1/messages">/api/v1/messages</a></p>
<table><thead><tr><th>Received</th><th>From</th><th>To</th><th>Subject</th></tr></thead>
<tbody id="messages">${renderRows(messages)}</tbody></table></section>
<section id="view"><iframe name="message" title="message"></iframe></section>
<script>
function renderRows(messages) {${renderRowsSource}}
let shown = ${JSON.stringify(messages.map((message) => message.ID).join(","))};
async function refresh() {
  try {
    const { messages } = await (await fetch("/api/v1/messages?limit=1000")).json();
    const ids = messages.map((message) => message.ID).join(",");
    if (ids !== shown) {
      shown = ids;
      document.getElementById("messages").innerHTML = renderRows(messages);
    }
  } catch {
    // The stack is restarting or stopped: try again at the next tick.
  }
  setTimeout(refresh, ${refreshMs});
}
setTimeout(refresh, ${refreshMs});
</script>
</body></html>`;
}
