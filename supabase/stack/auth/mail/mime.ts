/**
 * Enough of MIME (RFC 2045–2047) to read what mail clients send: headers with folded lines and
 * encoded words, single-part and multipart bodies (alternative, mixed, related, nested), and the
 * 7bit, 8bit, quoted-printable and base64 transfer encodings, in UTF-8 or Latin-1.
 */

export interface ParsedMail {
  /** Header names in lower case; a repeated header keeps every value. */
  headers: Map<string, string[]>;
  text: string;
  html: string;
}

interface Part {
  headers: Map<string, string[]>;
  body: Buffer;
}

function splitHeaders(raw: Buffer): Part {
  const text = raw.toString("latin1");
  let end = text.indexOf("\r\n\r\n");
  let gap = 4;
  if (end < 0) {
    end = text.indexOf("\n\n");
    gap = 2;
  }
  const head = end < 0 ? text : text.slice(0, end);
  const body = end < 0 ? Buffer.alloc(0) : raw.subarray(end + gap);
  const headers = new Map<string, string[]>();
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    // Header bytes are UTF-8 when a client sends SMTPUTF8; read them back as such.
    const value = Buffer.from(line.slice(colon + 1).trim(), "latin1").toString("utf8");
    headers.set(name, [...(headers.get(name) ?? []), value]);
  }
  return { headers, body };
}

/** A header parameter such as `boundary` or `charset`. */
function parameter(value: string, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, "i").exec(value);
  return match?.[1] ?? match?.[2];
}

function decodeCharset(bytes: Buffer, charset = "utf-8"): string {
  try {
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  } catch {
    return bytes.toString("utf8");
  }
}

function quotedPrintable(body: Buffer): Buffer {
  const text = body.toString("latin1").replace(/=\r?\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "=" && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(text.charCodeAt(i));
    }
  }
  return Buffer.from(bytes);
}

function transferDecode(part: Part): Buffer {
  const encoding = (part.headers.get("content-transfer-encoding")?.[0] ?? "7bit").toLowerCase();
  if (encoding === "base64")
    return Buffer.from(part.body.toString("latin1").replace(/\s+/g, ""), "base64");
  if (encoding === "quoted-printable") return quotedPrintable(part.body);
  return part.body;
}

/** RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?UTF-8?Q?…?=`) in a header value. */
export function decodeWords(value: string): string {
  return value.replace(
    /=\?([^?]+)\?([BbQq])\?([^?]*)\?=(\s+(?==\?))?/g,
    (_, charset: string, kind: string, data: string) => {
      const bytes =
        kind.toUpperCase() === "B"
          ? Buffer.from(data, "base64")
          : quotedPrintable(Buffer.from(data.replace(/_/g, " "), "latin1"));
      return decodeCharset(bytes, charset);
    },
  );
}

function collect(part: Part, into: { text: string; html: string }): void {
  const type = part.headers.get("content-type")?.[0] ?? "text/plain";
  const mediaType = type.split(";")[0]!.trim().toLowerCase();
  if (mediaType.startsWith("multipart/")) {
    const boundary = parameter(type, "boundary");
    if (!boundary) return;
    const text = part.body.toString("latin1");
    const delimiter = `--${boundary}`;
    const pieces = text.split(
      new RegExp(
        `\\r?\\n?${delimiter.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?:--)?[ \\t]*\\r?\\n?`,
      ),
    );
    // The preamble before the first delimiter and the epilogue after the last are not parts.
    for (const piece of pieces.slice(1, -1))
      collect(splitHeaders(Buffer.from(piece, "latin1")), into);
    return;
  }
  if ((part.headers.get("content-disposition")?.[0] ?? "").toLowerCase().startsWith("attachment"))
    return;
  const content = decodeCharset(transferDecode(part), parameter(type, "charset"));
  if (mediaType === "text/html" && !into.html) into.html = content;
  else if (mediaType === "text/plain" && !into.text) into.text = content;
}

/** Parses a message as it arrived after SMTP's DATA (dot-unstuffed). */
export function parseMail(raw: Buffer): ParsedMail {
  const top = splitHeaders(raw);
  const bodies = { text: "", html: "" };
  collect(top, bodies);
  return { headers: top.headers, ...bodies };
}

/** `"Name" <address>` or a bare address, from a header value (encoded words decoded). */
export function parseAddressList(value: string | undefined): { Name: string; Address: string }[] {
  if (!value) return [];
  return decodeWords(value)
    .split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const angle = /^(.*)<([^>]+)>\s*$/.exec(entry);
      if (!angle) return { Name: "", Address: entry };
      return { Name: angle[1]!.trim().replace(/^"|"$/g, ""), Address: angle[2]!.trim() };
    });
}
