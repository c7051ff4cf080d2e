// Request body of the `zoom` edge function's POST /zoom/meetings, parsed there and checked by the
// SDK before it calls it.
import { z } from "zod";
import { uuid } from "./primitives.ts";

export const ZoomMeetingBody = z.object({
  event_id: uuid,
  session_id: uuid.optional(),
  attendance_threshold: z.number().gt(0).max(1).optional(),
});

export type ZoomMeetingBody = z.infer<typeof ZoomMeetingBody>;
