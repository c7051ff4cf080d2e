// Surveys: designing and opening one, the form with branching and piped text, responses, saved
// progress, results; versions,
// invitations (by account or by email, answered through the link) and exports to Storage (through
// the `survey-export` edge function, whose request body is checked here with the schema it parses
// with).
import {
  type Args,
  type Insert,
  invoke,
  type PitlaneSupabase,
  rows,
  rpc,
  sorted,
  validate,
} from "../call.ts";
import { SurveyExportBody } from "../schemas/surveys.ts";

export function surveys(client: PitlaneSupabase) {
  return {
    list: () => rows(sorted(client.from("surveys").select("*"), { created_at: "desc" })),
    /** Managers: a draft survey, designed with `addSection` and `addQuestion`, then `open`ed. */
    create: (survey: Insert<"surveys">) =>
      rows(client.from("surveys").insert(survey).select().single()),
    addSection: (section: Insert<"survey_sections">) =>
      rows(client.from("survey_sections").insert(section).select().single()),
    /** A question, then its options (choice questions need some before the survey opens). */
    addQuestion: async (
      question: Insert<"survey_questions">,
      options: Omit<Insert<"survey_question_options">, "question_id">[] = [],
    ) => {
      const added = await rows(client.from("survey_questions").insert(question).select().single());
      const addedOptions = options.length
        ? await rows(
            client
              .from("survey_question_options")
              // Columns an option leaves out take their defaults (PostgREST's bulk insert would
              // otherwise send null for a column only some options set).
              .insert(
                options.map((option) => ({ ...option, question_id: added.id })),
                { defaultToNull: false },
              )
              .select(),
          )
        : [];
      return { ...added, options: addedOptions };
    },
    /** Checks the design (400 naming the question) and opens the survey for responses. */
    open: (surveyId: string) =>
      rows(client.from("surveys").update({ status: "open" }).eq("id", surveyId).select().single()),
    form: (args: Args<"survey_form">) => rpc(client, "survey_form", args),
    submit: (args: Args<"submit_survey_response">) => rpc(client, "submit_survey_response", args),
    saveProgress: (args: Args<"save_survey_progress">) => rpc(client, "save_survey_progress", args),
    summaries: (args: Args<"survey_question_summaries">) =>
      rpc(client, "survey_question_summaries", args),
    /** Managers: a draft copy of an opened survey's latest version; its id. */
    newVersion: (surveyId: string) => rpc(client, "new_survey_version", { p_survey_id: surveyId }),
    /** Managers: the responses written to the `survey-exports` bucket, with a signed URL. */
    exportResults: (body: SurveyExportBody) =>
      invoke<{
        survey_id: string;
        format: "csv" | "json";
        path: string;
        signed_url: string;
        expires_in: number;
      }>(client, "survey-export", validate(SurveyExportBody, body)),
    /** Managers: an event's people, an organization's members or named people; how many. */
    invite: (args: Args<"invite_to_survey">) => rpc(client, "invite_to_survey", args),
    /** Managers: invitees who have not answered, at most once per `p_min_interval`; how many. */
    remind: (args: Args<"remind_survey_invitees">) => rpc(client, "remind_survey_invitees", args),
    /** Managers: each address emailed its own link; how many. */
    inviteByEmail: (surveyId: string, emails: string[]) =>
      rpc(client, "invite_to_survey_by_email", { p_survey_id: surveyId, p_emails: emails }),
    /** The form an emailed link opens (no account needed), from its saved draft if any. */
    invitation: (token: string) => rpc(client, "survey_invitation", { p_token: token }),
    submitByInvitation: (args: Args<"submit_survey_response_by_invitation">) =>
      rpc(client, "submit_survey_response_by_invitation", args),
    saveProgressByInvitation: (args: Args<"save_survey_progress_by_invitation">) =>
      rpc(client, "save_survey_progress_by_invitation", args),
  };
}
