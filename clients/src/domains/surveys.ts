// Surveys: the form with branching and piped text, responses, saved progress, results.
import { type Args, type PitlaneSupabase, rows, rpc, sorted } from "../call.ts";

export function surveys(client: PitlaneSupabase) {
  return {
    list: () => rows(sorted(client.from("surveys").select("*"), { created_at: "desc" })),
    form: (args: Args<"survey_form">) => rpc(client, "survey_form", args),
    submit: (args: Args<"submit_survey_response">) => rpc(client, "submit_survey_response", args),
    saveProgress: (args: Args<"save_survey_progress">) => rpc(client, "save_survey_progress", args),
    summaries: (args: Args<"survey_question_summaries">) =>
      rpc(client, "survey_question_summaries", args),
  };
}
