import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { readBody } from "../../http/body.ts";
import type { Inbox, Message } from "./inbox.ts";
import { inboxPage } from "./inbox-page.ts";

/** Returns true so a route can answer and report that it handled the request in one statement. */
function send(res: ServerResponse, status: number, body: string, type: string): true {
  res.writeHead(status, {
    "content-type": `${type}; charset=utf-8`,
    "content-length": Buffer.byteLength(body),
    "access-control-allow-origin": "*",
  });
  res.end(body);
  return true;
}

const sendJson = (res: ServerResponse, status: number, body: unknown) =>
  send(res, status, JSON.stringify(body), "application/json");

const size = (message: Message) =>
  Buffer.byteLength(message.HTML) + Buffer.byteLength(message.Text);

/** Mailpit's message summary, as its list and search endpoints return it. */
function summary(message: Message) {
  return {
    ID: message.ID,
    MessageID: message.MessageID,
    Read: message.Read,
    From: message.From,
    To: message.To,
    Cc: [],
    Bcc: [],
    ReplyTo: [],
    Subject: message.Subject,
    Created: message.Created,
    Tags: [],
    Size: size(message),
    Attachments: 0,
    Snippet: message.Text.replace(/\s+/g, " ").trim().slice(0, 250),
  };
}

function listing(all: Message[], found: Message[], url: URL) {
  const start = Math.max(0, Number(url.searchParams.get("start")) || 0);
  const limit = Math.max(1, Number(url.searchParams.get("limit")) || 50);
  const page = found.slice(start, start + limit);
  return {
    total: all.length,
    unread: all.filter((message) => !message.Read).length,
    count: page.length,
    messages_count: found.length,
    start,
    tags: [],
    messages: page.map(summary),
  };
}

/** Inbucket's API, which older Supabase CLI versions exposed and many test suites still read. */
function inbucketHeader(message: Message, mailbox: string) {
  return {
    mailbox,
    id: message.ID,
    from: `${message.From.Name} <${message.From.Address}>`,
    to: message.To.map((address) => `<${address.Address}>`),
    subject: message.Subject,
    date: message.Created,
    "posix-millis": Date.parse(message.Created),
    size: size(message),
    seen: message.Read,
  };
}

const mailboxOf = (message: Message) =>
  message.To.map((address) => address.Address.split("@")[0]!.toLowerCase());

/** Answers one request; false when nothing matched, so the caller sends 404. */
async function route(
  inbox: Inbox,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  const path = url.pathname.replace(/\/+$/, "") || "/";
  const method = req.method ?? "GET";
  if (method === "GET" && path === "/") return send(res, 200, inboxPage(inbox.list()), "text/html");
  const view = /^\/view\/([^/]+)\.(html|txt)$/.exec(path);
  if (method === "GET" && view) {
    const message = inbox.get(view[1]!);
    if (!message) return false;
    message.Read = true;
    return view[2] === "html"
      ? send(res, 200, message.HTML, "text/html")
      : send(res, 200, message.Text, "text/plain");
  }
  if (path === "/api/v1/messages" && method === "GET")
    return sendJson(res, 200, listing(inbox.list(), inbox.list(), url));
  if (path === "/api/v1/messages" && method === "DELETE") {
    const body = (await readBody(req, 1 << 20)).toString("utf8");
    const ids = body ? (JSON.parse(body) as { IDs?: string[] }).IDs : undefined;
    inbox.delete(ids && ids.length > 0 ? ids : undefined);
    return send(res, 200, "ok", "text/plain");
  }
  if (path === "/api/v1/search" && method === "GET") {
    return sendJson(
      res,
      200,
      listing(inbox.list(), inbox.search(url.searchParams.get("query") ?? ""), url),
    );
  }
  const single = /^\/api\/v1\/message\/([^/]+)$/.exec(path);
  if (single && method === "GET") {
    const message = inbox.get(single[1]!);
    if (!message) return false;
    message.Read = true;
    const { Created, ...fields } = message;
    return sendJson(res, 200, {
      ...fields,
      Cc: [],
      Bcc: [],
      ReplyTo: [],
      ReturnPath: message.From.Address,
      Date: Created,
      Tags: [],
      Size: size(message),
      Inline: [],
      Attachments: [],
    });
  }
  const mailbox = /^\/api\/v1\/mailbox\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (mailbox) {
    const name = decodeURIComponent(mailbox[1]!).toLowerCase();
    const messages = inbox.list().filter((message) => mailboxOf(message).includes(name));
    if (method === "DELETE" && !mailbox[2]) {
      inbox.delete(messages.map((message) => message.ID));
      return send(res, 200, "", "text/plain");
    }
    if (method !== "GET") return false;
    if (!mailbox[2])
      return sendJson(
        res,
        200,
        messages.reverse().map((message) => inbucketHeader(message, name)),
      );
    const message = messages.find((candidate) => candidate.ID === mailbox[2]);
    if (!message) return false;
    return sendJson(res, 200, {
      ...inbucketHeader(message, name),
      header: {},
      body: { text: message.Text, html: message.HTML },
      attachments: [],
    });
  }
  return false;
}

/** The local inbox on its own port: a page for people, Mailpit's and Inbucket's JSON APIs for tests. */
export async function startInboxServer(inbox: Inbox, port: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    route(inbox, req, res, url)
      .then((handled) => {
        if (!handled) sendJson(res, 404, { error: "not found" });
      })
      .catch((error: unknown) => sendJson(res, 400, { error: (error as Error).message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return server;
}
