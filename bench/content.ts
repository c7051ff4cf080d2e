import { rm } from "node:fs/promises";
import { SignJWT } from "jose";
import { Db } from "../tests/helpers/db.ts";
import { spawnStack, type SpawnedStack } from "../supabase/stack/spawn-stack.ts";
import { row, type BenchRow } from "./rows.ts";

const clients = 64;
const submissionsPerClient = 5;
const questionCount = 30;
const analyticsResponses = 100_000;

/**
 * A 30-question survey with branching: q01 (yes/no) gates q02–q15; the rest are ratings, choices
 * and short texts. Returns the survey id and a response that takes the "yes" branch.
 */
async function thirtyQuestionSurvey(
  db: Db,
): Promise<{ surveyId: string; answers: Record<string, unknown> }> {
  const [survey] = await db.sql<{ id: string }>(
    "insert into public.surveys (title, allow_multiple_responses) values ('Bench survey', true) returning id",
  );
  const answers: Record<string, unknown> = { q01: true };
  await db.sql(
    "insert into public.survey_questions (survey_id, key, question_type, text, is_required, position) values ($1, 'q01', 'yes_no', 'Went?', true, 1)",
    [survey!.id],
  );
  for (let n = 2; n <= questionCount; n++) {
    const key = `q${String(n).padStart(2, "0")}`;
    const type = ["rating", "single_choice", "short_text"][n % 3]!;
    const showIf = n <= 15 ? { question: "q01", equals: true } : null;
    const [question] = await db.sql<{ id: string }>(
      "insert into public.survey_questions (survey_id, key, question_type, text, is_required, show_if, position) values ($1, $2, $3, $4, true, $5, $6) returning id",
      [survey!.id, key, type, `Question ${n}`, showIf, n],
    );
    if (type === "single_choice")
      await db.sql(
        "insert into public.survey_question_options (question_id, value, label, position) select $1, 'o' || i, 'Option ' || i, i from generate_series(1, 5) i",
        [question!.id],
      );
    answers[key] = type === "rating" ? 4 : type === "single_choice" ? "o3" : "Fine, thanks";
  }
  await db.sql("update public.surveys set status = 'open' where id = $1", [survey!.id]);
  return { surveyId: survey!.id, answers };
}

async function tokenFor(stack: SpawnedStack, claims: Record<string, unknown>): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claims, iat: now, exp: now + 3600 })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(stack.jwtSecret));
}

/**
 * Responses per second submitted through submit_survey_response (REST, 64 people at once, each
 * its submissions in turn), next to inserting the same rows with plain SQL over 64 connections.
 */
async function submissionRows(stack: SpawnedStack, db: Db): Promise<BenchRow[]> {
  const { surveyId, answers } = await thirtyQuestionSurvey(db);
  const people = await Promise.all(
    Array.from({ length: clients }, async (_, i) => {
      const user = await db.createUser({ full_name: `Bench respondent ${i}` });
      return { id: user.id, token: await tokenFor(stack, user.claims) };
    }),
  );
  const submit = async (token: string) => {
    const response = await fetch(`${stack.apiUrl}/rest/v1/rpc/submit_survey_response`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        apikey: stack.anonKey,
        "content-type": "application/json",
      },
      body: JSON.stringify({ p_survey_id: surveyId, p_answers: answers }),
    });
    if (response.status !== 200)
      throw new Error(`submit answered ${response.status}: ${await response.text()}`);
    await response.text();
  };
  await submit(people[0]!.token);

  const started = performance.now();
  await Promise.all(
    people.map(async ({ token }) => {
      for (let i = 0; i < submissionsPerClient; i++) await submit(token);
    }),
  );
  const rpcSeconds = (performance.now() - started) / 1000;

  const plain = new Db(stack.dbUrl, clients);
  try {
    const plainStarted = performance.now();
    await Promise.all(
      people.map(async ({ id }) => {
        for (let i = 0; i < submissionsPerClient; i++)
          await plain.sql(
            "insert into public.survey_responses (survey_id, respondent_id, answers) values ($1, $2, $3)",
            [surveyId, id, answers],
          );
      }),
    );
    const plainSeconds = (performance.now() - plainStarted) / 1000;
    const total = clients * submissionsPerClient;
    return [
      row(
        `survey submission, ${questionCount} questions with branching, ${clients} clients (RPC via REST)`,
        total / rpcSeconds,
        "plain SQL INSERT of the same rows, 64 connections",
        total / plainSeconds,
        "responses/s",
      ),
    ];
  } finally {
    await plain.end();
  }
}

/**
 * Milliseconds per question of survey_question_summaries over 100,000 responses (through REST as
 * the service role), next to a plain GROUP BY of one question's answers over the same rows.
 */
async function analyticsRows(stack: SpawnedStack, db: Db): Promise<BenchRow[]> {
  const { surveyId } = await thirtyQuestionSurvey(db);
  await db.sql(
    `insert into public.survey_responses (survey_id, answers, submitted_at)
     select $1, (select jsonb_object_agg(q.key, case q.question_type
                   when 'yes_no' then to_jsonb(i % 2 = 0)
                   when 'rating' then to_jsonb(1 + (i + q.position) % 5)
                   when 'single_choice' then to_jsonb('o' || (1 + (i * q.position) % 5))
                   else to_jsonb('Answer ' || i) end)
                 from public.survey_questions q where q.survey_id = $1 and (i % 2 = 0 or q.show_if is null)),
            now() - make_interval(secs => i)
     from generate_series(1, $2) i`,
    [surveyId, analyticsResponses],
  );
  await db.sql("analyze public.survey_responses");
  const summaries = async () => {
    const response = await fetch(`${stack.apiUrl}/rest/v1/rpc/survey_question_summaries`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${stack.serviceRoleKey}`,
        apikey: stack.serviceRoleKey,
        "content-type": "application/json",
      },
      body: JSON.stringify({ p_survey_id: surveyId }),
    });
    if (response.status !== 200)
      throw new Error(`summaries answered ${response.status}: ${await response.text()}`);
    const rows = (await response.json()) as unknown[];
    if (rows.length !== questionCount)
      throw new Error(`expected ${questionCount} summaries, got ${rows.length}`);
  };
  await summaries();
  const started = performance.now();
  await summaries();
  const perQuestion = (performance.now() - started) / questionCount;

  const groupStarted = performance.now();
  for (let n = 1; n <= questionCount; n++)
    await db.sql(
      "select answers ->> $2 as answer, count(*) from public.survey_responses where survey_id = $1 and answers ? $2 group by 1",
      [surveyId, `q${String(n).padStart(2, "0")}`],
    );
  const groupPerQuestion = (performance.now() - groupStarted) / questionCount;
  return [
    row(
      `survey analytics, ${analyticsResponses.toLocaleString("en")} responses (per question)`,
      perQuestion,
      "plain GROUP BY of one question's answers",
      groupPerQuestion,
      "ms",
    ),
  ];
}

export async function benchContent(): Promise<BenchRow[]> {
  const stack = await spawnStack();
  const db = new Db(stack.dbUrl);
  try {
    return [...(await submissionRows(stack, db)), ...(await analyticsRows(stack, db))];
  } finally {
    await db.end();
    await stack.stop();
    await rm(stack.dataDir, { recursive: true, force: true });
  }
}
