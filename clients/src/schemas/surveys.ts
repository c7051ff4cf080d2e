// Request body of the `survey-export` edge function, parsed there and checked by the SDK before it
// calls it.
import { z } from "zod";
import { uuid } from "./primitives.ts";

export const SurveyExportBody = z.object({
  survey_id: uuid,
  format: z.enum(["csv", "json"]).default("csv"),
  expires_in: z.number().int().min(10).max(86400).default(600),
  object_kind: z.enum(["event", "event_session", "event_registration", "course"]).optional(),
  object_id: uuid.optional(),
});

/** What a caller sends: `format` and `expires_in` have defaults. */
export type SurveyExportBody = z.input<typeof SurveyExportBody>;
