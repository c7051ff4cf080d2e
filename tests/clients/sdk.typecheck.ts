// Type tests, run by `npm run typecheck` (tsc), never executed: the SDK's column checks inside
// select() and order() strings. Each `@ts-expect-error` line must fail to compile (tsc reports an
// unused directive otherwise), so a typo in a column an SDK call names fails the typecheck.
import { createPitlaneClient } from "@pitlane/sdk";
import { rows, sorted } from "../../clients/src/call.ts";

const pitlane = createPitlaneClient("http://127.0.0.1:54321", "anon-key");
const events = () => pitlane.from("events").select("id, title, starts_at");

export const typeTests = [
  // What the table has compiles, and the rows keep the selected columns' types.
  async () => (await rows(events())).map((event) => event.title.toUpperCase()),
  () => rows(pitlane.from("event_registrations").select("id, event:events(id, title)")),
  () => rows(sorted(events(), { starts_at: "asc", title: "desc" })),

  // @ts-expect-error: `titel` is not a column of events
  () => rows(pitlane.from("events").select("id, titel")),
  // @ts-expect-error: an embed of a column its table does not have
  () => rows(pitlane.from("event_registrations").select("id, event:events(id, nam)")),
  // @ts-expect-error: a relation that does not exist
  () => rows(pitlane.from("events").select("id, speakers(*)")),
  // @ts-expect-error: `start_at` is not a column of events
  () => sorted(events(), { start_at: "asc" }),
  // @ts-expect-error: only "asc" and "desc"
  () => sorted(events(), { starts_at: "up" }),
];
