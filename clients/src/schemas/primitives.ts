// Values PostgreSQL can store, checked before a request leaves the app (the SDK) or reaches the
// database (the edge functions, which import these through functions/_shared/input.ts): text
// without NUL characters, UUIDs, amounts within PostgreSQL's integer.
import { z } from "zod";

/** The largest PostgreSQL `integer`: amounts are integer minor units. */
export const MAX_INTEGER = 2_147_483_647;

/** Text PostgreSQL can store: well-formed Unicode without NUL characters, at most `max` characters. */
export function text(max: number, min = 0) {
  return (
    z
      .string()
      .min(min)
      .max(max)
      .refine((value) => !value.includes("\u0000"), { message: "must not contain NUL characters" })
      // ES2024's isWellFormed (Node 20 and Deno have it); tsconfig's ES2022 lib does not declare it.
      .refine((value) => (value as string & { isWellFormed(): boolean }).isWellFormed(), {
        message: "must be well-formed Unicode (no lone surrogates)",
      })
  );
}

export const uuid = z.uuid({ message: "must be a UUID" });

/** An amount in minor units that fits PostgreSQL's integer. */
export const amount = z.number().int().positive().max(MAX_INTEGER);
