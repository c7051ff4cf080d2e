import net from "node:net";
import type { Inbox } from "./inbox.ts";
import { decodeWords, parseAddressList, parseMail } from "./mime.ts";

/** Mailpit's default message size limit. */
const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

/** Mailpit's reading of List-Unsubscribe: the <links> in it and whether one-click POST is offered. */
function listUnsubscribe(header: string | undefined, post: string | undefined) {
  if (!header) return undefined;
  const links = [...header.matchAll(/<([^>]+)>/g)].map((match) => match[1]!);
  return {
    Header: header,
    Links: links,
    Errors: links.length === 0 ? "no <link> in the header" : "",
    HeaderPost: post ?? "",
  };
}

/**
 * An SMTP server that puts every message it accepts into the local inbox, as Mailpit does for the
 * Supabase CLI (its SMTP port is 54325): so edge functions send mail with the same SMTP code
 * locally as in production. Plain SMTP (no STARTTLS), any AUTH PLAIN or LOGIN accepted, ESMTP
 * PIPELINING, 8BITMIME and SMTPUTF8. Every recipient of a message gets it (Bcc ones included).
 */
export async function startSmtpServer(inbox: Inbox, port: number): Promise<net.Server> {
  const server = net.createServer((socket) => {
    let buffer = Buffer.alloc(0);
    let data: Buffer[] | undefined;
    let dataBytes = 0;
    let from: string | undefined;
    let recipients: string[] = [];
    let authStep: "login-user" | "login-password" | "plain" | undefined;

    const reply = (line: string): void => void socket.write(`${line}\r\n`);
    const reset = () => {
      from = undefined;
      recipients = [];
    };

    function deliver(raw: Buffer): void {
      const mail = parseMail(raw);
      const header = (name: string) => mail.headers.get(name)?.[0];
      const listed = [...parseAddressList(header("to")), ...parseAddressList(header("cc"))];
      const to = recipients.map(
        (address) =>
          listed.find((entry) => entry.Address.toLowerCase() === address.toLowerCase()) ?? {
            Name: "",
            Address: address,
          },
      );
      inbox.store({
        MessageID: (header("message-id") ?? "").replace(/^<|>$/g, ""),
        From: parseAddressList(header("from"))[0] ?? { Name: "", Address: from ?? "" },
        To: to,
        Subject: decodeWords(header("subject") ?? ""),
        Text: mail.text,
        HTML: mail.html,
        ListUnsubscribe: listUnsubscribe(
          header("list-unsubscribe"),
          header("list-unsubscribe-post"),
        ),
      });
    }

    function command(line: string): void {
      if (authStep) {
        // Any credentials are accepted, as Mailpit accepts them by default.
        if (authStep === "login-user") {
          authStep = "login-password";
          return reply("334 UGFzc3dvcmQ6");
        }
        authStep = undefined;
        return reply("235 2.7.0 Authentication successful");
      }
      const [verb = "", ...rest] = line.split(" ");
      const argument = rest.join(" ");
      switch (verb.toUpperCase()) {
        case "EHLO":
          return reply(
            `250-pitlane Hello ${argument}\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-SIZE ${MAX_MESSAGE_BYTES}\r\n250 AUTH PLAIN LOGIN`,
          );
        case "HELO":
          return reply(`250 pitlane Hello ${argument}`);
        case "AUTH": {
          const [mechanism = "", initial] = rest;
          if (mechanism.toUpperCase() === "PLAIN") {
            if (initial) return reply("235 2.7.0 Authentication successful");
            authStep = "plain";
            return reply("334 ");
          }
          if (mechanism.toUpperCase() === "LOGIN") {
            authStep = initial ? "login-password" : "login-user";
            return reply(initial ? "334 UGFzc3dvcmQ6" : "334 VXNlcm5hbWU6");
          }
          return reply("504 5.5.4 Unrecognized authentication type");
        }
        case "MAIL": {
          const address = /^FROM:\s*<([^>]*)>/i.exec(argument);
          if (!address) return reply("501 5.5.4 Syntax: MAIL FROM:<address>");
          reset();
          from = address[1];
          return reply("250 2.1.0 Ok");
        }
        case "RCPT": {
          const address = /^TO:\s*<([^>]+)>/i.exec(argument);
          if (!address) return reply("501 5.5.4 Syntax: RCPT TO:<address>");
          if (from === undefined) return reply("503 5.5.1 Error: need MAIL command");
          recipients.push(address[1]!);
          return reply("250 2.1.5 Ok");
        }
        case "DATA":
          if (recipients.length === 0) return reply("503 5.5.1 Error: need RCPT command");
          data = [];
          dataBytes = 0;
          return reply("354 End data with <CR><LF>.<CR><LF>");
        case "RSET":
          reset();
          return reply("250 2.0.0 Ok");
        case "NOOP":
          return reply("250 2.0.0 Ok");
        case "QUIT":
          reply("221 2.0.0 Bye");
          socket.end();
          return;
        case "STARTTLS":
          return reply("502 5.5.1 STARTTLS is not offered: the local inbox speaks plain SMTP");
        default:
          return reply("502 5.5.2 Error: command not recognized");
      }
    }

    function dataLine(line: Buffer): void {
      if (line.length === 1 && line[0] === 0x2e) {
        const raw = Buffer.concat(data!);
        data = undefined;
        if (dataBytes > MAX_MESSAGE_BYTES) {
          reset();
          return reply("552 5.3.4 Message size exceeds fixed limit");
        }
        deliver(raw);
        reset();
        return reply("250 2.0.0 Ok: queued");
      }
      // Dot-stuffing: a leading dot was doubled by the client.
      const content = line[0] === 0x2e ? line.subarray(1) : line;
      dataBytes += content.length + 2;
      if (dataBytes <= MAX_MESSAGE_BYTES) data!.push(content, Buffer.from("\r\n"));
    }

    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      let newline: number;
      while ((newline = buffer.indexOf(0x0a)) >= 0) {
        const line = buffer.subarray(
          0,
          newline > 0 && buffer[newline - 1] === 0x0d ? newline - 1 : newline,
        );
        buffer = buffer.subarray(newline + 1);
        if (data) dataLine(line);
        else command(line.toString("utf8"));
      }
    });
    socket.on("error", () => undefined);
    reply("220 pitlane ESMTP (the local inbox)");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return server;
}
