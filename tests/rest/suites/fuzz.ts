/**
 * Thousands of random and malformed query strings, headers and bodies: every answer is a
 * PostgREST-shaped 2xx/3xx/4xx, never a 5xx or a hang, and no row of the table changes.
 */
import { describe, expect, it } from "vitest";
import { http, sql } from "../context.ts";

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const pieces = [
  "id",
  "label",
  "fuzz_rows",
  "*",
  "(",
  ")",
  ",",
  ".",
  ":",
  "::",
  "->",
  "->>",
  "!",
  "!inner",
  "...",
  '"',
  "'",
  "\\",
  "%",
  "%00",
  "%zz",
  "+",
  "&",
  "=",
  "eq",
  "neq",
  "gt",
  "in",
  "is",
  "not",
  "or",
  "and",
  "cs",
  "fts",
  "like",
  "ilike(any)",
  "eq(all)",
  "null",
  "true",
  "{",
  "}",
  "[",
  "]",
  "1",
  "-1",
  "999999999999999999999",
  "select",
  "order",
  "limit",
  "offset",
  "columns",
  "on_conflict",
  "asc",
  "desc",
  "nullsfirst",
  "count()",
  "sum()",
  "text",
  "int4",
  "json",
  ";",
  "--",
  "/*",
  "drop table fuzz_rows",
  "é",
  "\u0000",
  " ",
  "\t",
  "$1",
  "${x}",
  "pg_sleep(10)",
];

function fragment(next: () => number, length: number): string {
  let text = "";
  for (let i = 0; i < length; i++) text += pieces[Math.floor(next() * pieces.length)];
  return text;
}

/** A header value fetch accepts: visible ASCII, no surrounding spaces. */
const headerValue = (text: string) => text.replace(/[^\x21-\x7e ]/g, "").trim() || "x";

function queryString(next: () => number): string {
  const keys = [
    "select",
    "order",
    "limit",
    "offset",
    "id",
    "label",
    "or",
    "and",
    "not.or",
    "columns",
    "on_conflict",
    "fuzz_rows.id",
    fragment(next, 2),
  ];
  const parts: string[] = [];
  const count = 1 + Math.floor(next() * 4);
  for (let i = 0; i < count; i++) {
    const key = keys[Math.floor(next() * keys.length)]!;
    const value = fragment(next, 1 + Math.floor(next() * 6));
    parts.push(
      next() < 0.5
        ? `${encodeURIComponent(key)}=${encodeURIComponent(value)}`
        : `${key}=${value.replace(/[&#]/g, "")}`,
    );
  }
  return parts.join("&");
}

describe("rest: fuzz", () => {
  it("answers thousands of malformed requests with 4xx and changes nothing", async () => {
    const before = await sql("select id, label from public.fuzz_rows order by id");
    const next = random(20240601);
    const methods = ["GET", "GET", "GET", "HEAD", "PATCH", "DELETE", "POST"];
    const failures: string[] = [];
    const total = 2400;
    for (let batch = 0; batch < total / 16; batch++) {
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          const method = methods[Math.floor(next() * methods.length)]!;
          const path = next() < 0.85 ? "/fuzz_rows" : `/${fragment(next, 2).replace(/[?#]/g, "")}`;
          const query = queryString(next);
          // Writes go where no row can match or the body is malformed, so any change is a bug.
          const body =
            method === "PATCH" || method === "POST"
              ? next() < 0.5
                ? fragment(next, 5)
                : JSON.stringify({ label: fragment(next, 2) })
              : undefined;
          const headers: Record<string, string> = {
            "Content-Type": next() < 0.8 ? "application/json" : headerValue(fragment(next, 2)),
          };
          if (next() < 0.3) headers.Prefer = headerValue(fragment(next, 3));
          if (next() < 0.2) headers.Range = headerValue(fragment(next, 2));
          if (next() < 0.1) headers.Accept = headerValue(fragment(next, 2));
          const guard = method === "PATCH" || method === "DELETE" ? "&id=eq.-1" : "";
          const target = `${path}?${query}${guard}`;
          let status: number;
          try {
            status = (await http(target, { method, headers, ...(body !== undefined && { body }) }))
              .status;
          } catch (error) {
            failures.push(`${method} ${target}: ${(error as Error).message}`);
            return;
          }
          if (status >= 500) failures.push(`${method} ${target} → ${status}`);
        }),
      );
    }
    expect(failures).toEqual([]);
    // A POST may have inserted a well-formed row; remove those and compare the rest.
    await sql("delete from public.fuzz_rows where id not in (1, 2, 3)");
    expect(await sql("select id, label from public.fuzz_rows order by id")).toEqual(before);
  }, 110_000);
});
