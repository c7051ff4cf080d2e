// fromPostgrest (functions/_shared/supabase.ts), the edge functions' reading of PostgREST errors:
// a table of SQLSTATEs and PGRST codes with the status PostgREST gives them, run against the real
// module (it imports only supabase-js and the shared HTTP helpers, which load under Node too).
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../supabase/stack/spawn-stack.ts";

interface HttpErrorLike extends Error {
  status?: number;
  code?: string;
}

// Imported by path at run time: the module is Deno code, which tsc for Node does not check.
const { fromPostgrest } = (await import(
  path.join(projectRoot, "functions/_shared/supabase.ts")
)) as {
  fromPostgrest: (error: {
    code: string;
    message: string;
    details: string;
    hint: string;
  }) => HttpErrorLike;
};

const cases: Array<[code: string, status: number | "unexpected", errorCode?: string]> = [
  ["PT400", 400, "rejected"],
  ["PT403", 403, "forbidden"],
  ["PT404", 404, "not_found"],
  ["PT409", 409, "conflict"],
  ["PT422", 422, "rejected"],
  ["PT500", "unexpected"],
  ["PGRST301", 401, "unauthorized"],
  ["PGRST302", 401, "unauthorized"],
  ["42501", 403, "forbidden"],
  ["PGRST116", 404, "not_found"],
  ["P0002", 404, "not_found"],
  ["23505", 409, "conflict"],
  ["23503", 409, "conflict"],
  ["23P01", 409, "conflict"],
  ["23514", 400, "rejected"],
  ["23502", 400, "rejected"],
  ["P0001", 400, "rejected"],
  ["22003", 400, "rejected"], // numeric value out of range: a refund of 10^12
  ["22008", 400, "rejected"], // datetime field overflow: year 0
  ["22P05", 400, "rejected"], // untranslatable character: NUL in jsonb
  ["22021", 400, "rejected"], // NUL in text
  ["22P02", 400, "rejected"], // invalid text representation
  ["22023", 400, "rejected"],
  ["PGRST100", 400, "rejected"],
  ["PGRST102", 400, "rejected"],
  ["PGRST202", "unexpected"], // a function the schema cache does not know: the function's bug
  ["42883", "unexpected"],
  ["42P01", "unexpected"],
  ["08006", "unexpected"],
  ["XX000", "unexpected"],
];

describe("fromPostgrest", () => {
  it.each(cases)("%s → %s", (code, status, errorCode) => {
    const error = fromPostgrest({ code, message: `message of ${code}`, details: "", hint: "" });
    if (status === "unexpected") {
      // A plain Error: the function logs it and answers a 500 that reveals nothing.
      expect(error.status).toBeUndefined();
      expect(error.message).toBe(`${code}: message of ${code}`);
    } else {
      expect({ status: error.status, code: error.code, message: error.message }).toEqual({
        status,
        code: errorCode,
        message: `message of ${code}`,
      });
    }
  });
});
