// The inbox's SMTP server (--smtp-port), spoken to as a mail client speaks: EHLO, AUTH, MAIL,
// RCPT, DATA with dot-stuffing, a multipart message in quoted-printable and base64 with encoded
// headers; refusals out of order; the message read back through the inbox's Mailpit API.

import net from "node:net";
import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { stack } from "../helpers/db.ts";

/** A plain SMTP conversation: each command gets the server's complete reply. */
async function smtpSession(): Promise<{
  send(line: string): Promise<string>;
  close(): void;
  greeting: string;
}> {
  const socket = net.connect(stack().smtpPort, "127.0.0.1");
  let buffer = "";
  let waiting: ((reply: string) => void) | undefined;
  socket.on("data", (chunk) => {
    buffer += chunk.toString("utf8");
    // A reply is complete at a line whose code is followed by a space.
    const complete = /(^|\r\n)\d{3} [^\r\n]*\r\n$/.test(buffer);
    if (complete && waiting) {
      const reply = buffer;
      buffer = "";
      const done = waiting;
      waiting = undefined;
      done(reply);
    }
  });
  const next = () => new Promise<string>((resolve) => (waiting = resolve));
  const greeting = await next();
  return {
    greeting,
    send(line: string) {
      const reply = next();
      socket.write(`${line}\r\n`);
      return reply;
    },
    close: () => socket.end(),
  };
}

it("accepts a multipart message and files it in the inbox with decoded subject, text and HTML", async () => {
  const to = `smtp-${randomUUID().slice(0, 8)}@example.test`;
  const session = await smtpSession();
  try {
    expect(session.greeting).toMatch(/^220 /);
    expect(await session.send("EHLO test.local")).toMatch(
      /250-PIPELINING[\s\S]*250 AUTH PLAIN LOGIN/,
    );
    expect(await session.send("AUTH LOGIN")).toBe("334 VXNlcm5hbWU6\r\n");
    expect(await session.send(Buffer.from("user").toString("base64"))).toBe("334 UGFzc3dvcmQ6\r\n");
    expect(await session.send(Buffer.from("secret").toString("base64"))).toMatch(/^235 /);
    expect(await session.send("RCPT TO:<nobody@example.test>")).toMatch(/^503 /);
    expect(await session.send("MAIL FROM:<sender@pitlane.test>")).toMatch(/^250 /);
    expect(await session.send("DATA")).toMatch(/^503 /);
    expect(await session.send(`RCPT TO:<${to}>`)).toMatch(/^250 /);
    expect(await session.send("DATA")).toMatch(/^354 /);
    const message = [
      'From: "Pitlane" <sender@pitlane.test>',
      `To: Rider <${to}>`,
      "Subject: =?UTF-8?B?" + Buffer.from("Jadwal baru — Sentul").toString("base64") + "?=",
      "Message-ID: <abc-123@pitlane.test>",
      "List-Unsubscribe: <https://example.test/u?t=1>",
      "MIME-Version: 1.0",
      'Content-Type: multipart/alternative; boundary="b1"',
      "",
      "--b1",
      "Content-Type: text/plain; charset=utf-8",
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "Caf=C3=A9 at 10:00, a long line that is soft =",
      "broken.",
      "..a line that starts with a dot",
      "--b1",
      "Content-Type: text/html; charset=utf-8",
      "Content-Transfer-Encoding: base64",
      "",
      Buffer.from("<p>Café</p>").toString("base64"),
      "--b1--",
      "",
    ].join("\r\n");
    expect(await session.send(`${message}\r\n.`)).toMatch(/^250 /);
    expect(await session.send("QUIT")).toMatch(/^221 /);
  } finally {
    session.close();
  }

  const search = await fetch(
    `http://127.0.0.1:${stack().inboxPort}/api/v1/search?query=${encodeURIComponent(`to:${to}`)}`,
  );
  const { messages } = (await search.json()) as { messages: { ID: string }[] };
  expect(messages).toHaveLength(1);
  const mail = await (
    await fetch(`http://127.0.0.1:${stack().inboxPort}/api/v1/message/${messages[0]!.ID}`)
  ).json();
  expect(mail).toMatchObject({
    MessageID: "abc-123@pitlane.test",
    From: { Name: "Pitlane", Address: "sender@pitlane.test" },
    To: [{ Name: "Rider", Address: to }],
    Subject: "Jadwal baru — Sentul",
    Text: "Café at 10:00, a long line that is soft broken.\r\n.a line that starts with a dot",
    HTML: "<p>Café</p>",
    ListUnsubscribe: { Links: ["https://example.test/u?t=1"] },
  });
});
