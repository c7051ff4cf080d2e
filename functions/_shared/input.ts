// What a function accepts, checked with zod before anything reaches the database or a provider:
// bodies, path segments and query strings. A value the database could not store or compute with
// (text with NUL characters, an integer past PostgreSQL's integer, a date outside its calendar)
// is a 400 here, never an error from PostgreSQL.
import { z } from "zod";
import { HttpError } from "./http.ts";

/** A request body larger than this is refused with 413 before it is parsed. */
export const MAX_BODY_BYTES = 256 * 1024;

// The primitives the SDK checks with too: one definition for both sides of a request.
export { amount, MAX_INTEGER, text, uuid } from "../../clients/src/schemas/primitives.ts";

/**
 * An ISO 8601 date and time with an offset, in years PostgreSQL and every client handle
 * (1900–9999: year 0 or 10000 would be an error from the database).
 */
export const dateTime = z.iso.datetime({ offset: true }).refine(
  (value) => {
    const year = new Date(value).getUTCFullYear();
    return year >= 1900 && year <= 9999;
  },
  { message: "must be a date between the years 1900 and 9999" },
);

/** `value` checked against `schema`; anything else is a 400 naming the first problem. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    throw new HttpError(400, "invalid_request", `${where}${issue.message}`);
  }
  return parsed.data;
}

/**
 * A body is read and dropped up to this size before a 413: a server that answers without reading
 * what the caller is still sending resets the connection, and the caller sees no answer at all.
 */
const DRAIN_BYTES = 16 * 1024 * 1024;

/** The request body as text, refused with 413 past `maxBytes` (MAX_BODY_BYTES unless a function needs more). */
export async function readText(req: Request, maxBytes = MAX_BODY_BYTES): Promise<string> {
  return new TextDecoder().decode(await readBytes(req, maxBytes));
}

/** The request body's bytes, refused with 413 past `maxBytes` (MAX_BODY_BYTES unless a function needs more). */
export async function readBytes(
  req: Request,
  maxBytes = MAX_BODY_BYTES,
): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req.body ?? []) {
    size += chunk.byteLength;
    if (size > DRAIN_BYTES) break;
    if (size <= maxBytes) chunks.push(chunk);
  }
  if (size > maxBytes)
    throw new HttpError(
      413,
      "payload_too_large",
      `the request body must be at most ${maxBytes} bytes`,
    );
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** `body` as JSON checked against `schema`. */
export function parseJson<T>(body: string, schema: z.ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new HttpError(400, "invalid_json", "the request body must be JSON");
  }
  return parseInput(schema, value);
}

/** The request's JSON body checked against `schema`. */
export async function readJson<T>(req: Request, schema: z.ZodType<T>): Promise<T> {
  return parseJson(await readText(req), schema);
}

/** The query string's parameters checked against `schema` (a repeated name keeps its last value). */
export function readQuery<T>(req: Request, schema: z.ZodType<T>): T {
  return parseInput(schema, Object.fromEntries(new URL(req.url).searchParams));
}

/**
 * The path after the function's name, decoded segment by segment (`/certificates/a/b` → ["a", "b"]),
 * as Supabase passes it; a malformed escape such as `%E0%A4` is a 400.
 */
export function pathSegments(req: Request): string[] {
  const raw = new URL(req.url).pathname.split("/").filter(Boolean).slice(1);
  try {
    return raw.map(decodeURIComponent);
  } catch {
    throw new HttpError(400, "invalid_request", "the path has a malformed %-escape");
  }
}
