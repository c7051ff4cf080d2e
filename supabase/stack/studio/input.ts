import type { z } from "zod";
import { StudioError } from "./section.ts";

/** A request's body or query read through a zod schema; what does not fit is a 400 naming the field. */
export function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join(".");
  throw new StudioError(400, field ? `${field}: ${issue.message}` : issue.message);
}
