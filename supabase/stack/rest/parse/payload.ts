/** Request bodies: JSON, CSV and form bodies for writes and calls (PostgREST's ApiRequest.Payload). */
import { invalidBody } from "../errors.ts";
import { mimeOf, type MediaType } from "./media.ts";
import { splitQuery } from "./query-params.ts";

export type Payload =
  /** Rows (an object body is one row) and the keys they share. */
  | { kind: "rows"; rows: Record<string, unknown>[]; keys: string[]; isArray: boolean; raw: string }
  /** The body as it came, for a function's single unnamed parameter or with `columns=`. */
  | { kind: "raw"; text: string }
  /** Form fields, as text arguments. */
  | { kind: "form"; fields: [string, string][] };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function rowsOf(json: unknown, raw: string, uniform: boolean): Payload {
  if (isObject(json))
    return { kind: "rows", rows: [json], keys: Object.keys(json), isArray: false, raw };
  if (!Array.isArray(json) || json.length === 0)
    return { kind: "rows", rows: [], keys: [], isArray: true, raw };
  const first = json[0];
  if (!isObject(first)) throw invalidBody("All object keys must match");
  const keys = Object.keys(first);
  if (uniform) {
    const canonical = [...keys].sort().join("\u0000");
    for (const row of json) {
      if (!isObject(row) || Object.keys(row).sort().join("\u0000") !== canonical)
        throw invalidBody("All object keys must match");
    }
  } else if (!json.every(isObject)) throw invalidBody("All object keys must match");
  return { kind: "rows", rows: json as Record<string, unknown>[], keys, isArray: true, raw };
}

/** RFC 4180 CSV with a header line; the text NULL is a null, as in PostgREST. */
function parseCsv(text: string): Record<string, unknown>[] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      record.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += ch;
  }
  if (quoted) throw invalidBody("parse error (unexpected end of input in a quoted field)");
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const [header, ...lines] = records.filter((r) => !(r.length === 1 && r[0] === ""));
  if (!header) return [];
  return lines.map((line) => {
    if (line.length !== header.length)
      throw invalidBody("All lines must have same number of fields");
    return Object.fromEntries(header.map((name, i) => [name, line[i] === "NULL" ? null : line[i]]));
  });
}

/**
 * `forCall`: the body of POST /rpc (an empty body is `{}`; text, XML and binary bodies are raw).
 * `hasColumns`: `columns=` names the keys, so rows need not all have the same ones.
 */
export function parsePayload(
  body: Buffer,
  contentType: MediaType,
  forCall: boolean,
  hasColumns: boolean,
): Payload {
  const text = body.toString("utf8");
  switch (contentType.kind) {
    case "json": {
      if (text.trim() === "" && forCall)
        return { kind: "rows", rows: [{}], keys: [], isArray: false, raw: "{}" };
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw invalidBody("Empty or invalid json");
      }
      return rowsOf(json, text, !hasColumns);
    }
    case "csv": {
      const rows = parseCsv(text);
      return {
        kind: "rows",
        rows,
        keys: Object.keys(rows[0] ?? {}),
        isArray: true,
        raw: JSON.stringify(rows),
      };
    }
    case "urlencoded": {
      const fields = splitQuery(text);
      if (forCall) return { kind: "form", fields };
      const row = Object.fromEntries(fields);
      return {
        kind: "rows",
        rows: [row],
        keys: Object.keys(row),
        isArray: false,
        raw: JSON.stringify(row),
      };
    }
    case "text":
    case "xml":
    case "octet":
      if (forCall) return { kind: "raw", text };
      break;
  }
  throw invalidBody(`Content-Type not acceptable: ${mimeOf(contentType)}`);
}
