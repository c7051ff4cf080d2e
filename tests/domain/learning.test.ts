// Learning (sql/0006_learning.sql): enrollments, lessons, assessments graded in the database,
// learning paths.

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { domainStack, pgError, serviceRole, slug, type Db, type DomainStack } from "./helpers.ts";
import { domainFixtures } from "./fixtures.ts";

let stack: DomainStack;
let db: Db;

beforeAll(async () => {
  stack = await domainStack();
  db = stack.db;
});

afterAll(async () => {
  await stack?.stop();
});

const { newOrganization } = domainFixtures(() => db);

describe("learning", () => {
  async function course(price = 0) {
    const org = await newOrganization();
    const courseId = randomUUID();
    const ids = {
      module: randomUUID(),
      l1: randomUUID(),
      l2: randomUUID(),
      assessment: randomUUID(),
      q1: randomUUID(),
      q2: randomUUID(),
    };
    const choices = {
      q1a: randomUUID(),
      q1b: randomUUID(),
      q2a: randomUUID(),
      q2b: randomUUID(),
      q2c: randomUUID(),
    };
    await db.sql(
      `insert into public.courses (id, organization_id, slug, title, status, price_amount, currency, cpd_credits) values ($1, $2, $3, 'Course', 'published', $4, $5, 3)`,
      [courseId, org.id, slug("course"), price, price ? "IDR" : null],
    );
    await db.sql(
      `insert into public.course_modules (id, course_id, title) values ('${ids.module}', '${courseId}', 'M');
       insert into public.course_lessons (id, module_id, title) values ('${ids.l1}', '${ids.module}', 'L1'), ('${ids.l2}', '${ids.module}', 'L2');
       insert into public.assessments (id, course_id, title, pass_mark_percent, max_attempts) values ('${ids.assessment}', '${courseId}', 'Quiz', 60, 2);
       insert into public.assessment_questions (id, assessment_id, prompt, kind, points) values
         ('${ids.q1}', '${ids.assessment}', 'One?', 'single_choice', 1), ('${ids.q2}', '${ids.assessment}', 'Two?', 'multiple_choice', 2);
       insert into public.assessment_choices (id, question_id, label) values
         ('${choices.q1a}', '${ids.q1}', 'a'), ('${choices.q1b}', '${ids.q1}', 'b'),
         ('${choices.q2a}', '${ids.q2}', 'a'), ('${choices.q2b}', '${ids.q2}', 'b'), ('${choices.q2c}', '${ids.q2}', 'c');
       insert into public.assessment_correct_choices (choice_id) values ('${choices.q1a}'), ('${choices.q2a}'), ('${choices.q2c}');`,
    );
    return { org, courseId, ...ids, choices };
  }

  it("enrolls free (active) and paid (pending payment until the hook), once", async () => {
    const free = await course();
    const paid = await course(250000);
    const user = await db.createUser();
    const [a] = await db.rpc<{ id: string; status: string }>(user.claims, "enroll_in_course", {
      p_course_id: free.courseId,
    });
    expect(a!.status).toBe("active");
    expect(
      await pgError(db.rpc(user.claims, "enroll_in_course", { p_course_id: free.courseId })),
    ).toMatchObject({ code: "PT409" });
    const [b] = await db.rpc<{ id: string; status: string; price_amount: number }>(
      user.claims,
      "enroll_in_course",
      { p_course_id: paid.courseId },
    );
    expect(b).toMatchObject({ status: "pending_payment", price_amount: 250000 });
    expect(
      await pgError(db.rpc(user.claims, "complete_lesson", { p_lesson_id: paid.l1 })),
    ).toMatchObject({ code: "42501" });
    expect(
      await pgError(
        db.rpc(user.claims, "confirm_course_enrollment_payment", {
          p_enrollment_id: b!.id,
          p_payment_reference: "x",
        }),
      ),
    ).toMatchObject({
      code: "42501",
    });
    const [active] = await db.rpc<{ status: string }>(
      serviceRole,
      "confirm_course_enrollment_payment",
      { p_enrollment_id: b!.id, p_payment_reference: "pi_1" },
    );
    expect(active!.status).toBe("active");
    // Paid: only its refund path cancels it (tests/payments/paid-cancellations.test.ts).
    expect(
      await pgError(db.rpc(user.claims, "cancel_course_enrollment", { p_enrollment_id: b!.id })),
    ).toMatchObject({ code: "PT409" });
    const draftId = randomUUID();
    await db.sql(
      "insert into public.courses (id, organization_id, slug, title) values ($1, $2, $3, 'Draft')",
      [draftId, free.org.id, slug("draft")],
    );
    expect(
      await pgError(db.rpc(user.claims, "enroll_in_course", { p_course_id: draftId })),
    ).toMatchObject({ code: "PT404" });
  });

  it("grades attempts in the database without revealing answers; limits attempts; completes the course and earns credits", async () => {
    const c = await course();
    const learner = await db.createUser();
    const [enrollment] = await db.rpc<{ id: string }>(learner.claims, "enroll_in_course", {
      p_course_id: c.courseId,
    });
    // The answer key is invisible to the learner, the choices are not.
    expect(
      await db.query(
        learner.claims,
        "select 1 from public.assessment_choices where question_id = $1",
        [c.q2],
      ),
    ).toHaveLength(3);
    expect(
      await db.query(
        learner.claims,
        "select 1 from public.assessment_correct_choices where question_id = $1",
        [c.q2],
      ),
    ).toHaveLength(0);

    const submit = (answers: Record<string, string[]>) =>
      db.rpc<{
        score_points: number;
        max_points: number;
        score_percent: string;
        passed: boolean;
        attempt_number: number;
      }>(learner.claims, "submit_assessment_attempt", {
        p_assessment_id: c.assessment,
        p_answers: JSON.stringify(answers),
      });
    expect(await pgError(submit({ [c.q1]: [c.choices.q1a, c.choices.q1b] }))).toMatchObject({
      code: "22023",
    });
    expect(await pgError(submit({ [c.q1]: [c.choices.q2a] }))).toMatchObject({ code: "22023" });
    expect(await pgError(submit({ [randomUUID()]: [] }))).toMatchObject({ code: "22023" });
    // Partly right on the multiple choice question scores nothing for it: 1 of 3 points.
    const [first] = await submit({ [c.q1]: [c.choices.q1a], [c.q2]: [c.choices.q2a] });
    expect(first).toMatchObject({
      score_points: 1,
      max_points: 3,
      passed: false,
      attempt_number: 1,
    });
    expect(Object.keys(first!)).not.toContain("correct");
    const [second] = await submit({
      [c.q1]: [c.choices.q1a],
      [c.q2]: [c.choices.q2c, c.choices.q2a],
    });
    expect(second).toMatchObject({ score_points: 3, passed: true, attempt_number: 2 });
    expect(await pgError(submit({}))).toMatchObject({
      code: "PT409",
      message: "you have already passed this assessment",
    });

    // Lessons: the course completes with the last one, and the credits are in the ledger.
    const [afterOne] = await db.rpc<{ status: string; lessons_completed: number }>(
      learner.claims,
      "complete_lesson",
      { p_lesson_id: c.l1 },
    );
    expect(afterOne).toMatchObject({ status: "active", lessons_completed: 1 });
    await db.rpc(learner.claims, "complete_lesson", { p_lesson_id: c.l1 });
    const [done] = await db.rpc<{ status: string; lessons_completed: number }>(
      learner.claims,
      "complete_lesson",
      { p_lesson_id: c.l2 },
    );
    expect(done).toMatchObject({ status: "completed", lessons_completed: 2 });
    expect(
      await db.query(
        learner.claims,
        "select source, credits::float as credits from public.cpd_credit_entries where enrollment_id = $1",
        [enrollment!.id],
      ),
    ).toEqual([{ source: "course_completion", credits: 3 }]);
    const [cert] = await db.rpc<{ title: string }>(learner.claims, "issue_certificate", {
      p_enrollment_id: enrollment!.id,
    });
    expect(cert!.title).toBe("Course");

    // Another learner runs out of attempts.
    const other = await db.createUser();
    await db.rpc(other.claims, "enroll_in_course", { p_course_id: c.courseId });
    for (let i = 0; i < 2; i++) {
      await db.rpc(other.claims, "submit_assessment_attempt", {
        p_assessment_id: c.assessment,
        p_answers: "{}",
      });
    }
    expect(
      await pgError(
        db.rpc(other.claims, "submit_assessment_attempt", {
          p_assessment_id: c.assessment,
          p_answers: "{}",
        }),
      ),
    ).toMatchObject({
      code: "PT409",
      message: "no attempts left for this assessment",
    });
    const outsider = await db.createUser();
    expect(
      await pgError(
        db.rpc(outsider.claims, "submit_assessment_attempt", {
          p_assessment_id: c.assessment,
          p_answers: "{}",
        }),
      ),
    ).toMatchObject({ code: "42501" });
  });

  it("learning paths show the caller's progress course by course", async () => {
    const c = await course();
    const pathId = randomUUID();
    await db.sql(
      "insert into public.learning_paths (id, organization_id, slug, title, status) values ($1, $2, $3, 'Path', 'published')",
      [pathId, c.org.id, slug("path")],
    );
    await db.sql(
      "insert into public.learning_path_courses (learning_path_id, course_id, position) values ($1, $2, 1)",
      [pathId, c.courseId],
    );
    const other = await course();
    expect(
      await pgError(
        db.sql(
          "insert into public.learning_path_courses (learning_path_id, course_id) values ($1, $2)",
          [pathId, other.courseId],
        ),
      ),
    ).toMatchObject({ code: "22023" });
    const learner = await db.createUser();
    expect(
      await db.rpc(learner.claims, "learning_path_progress", { p_learning_path_id: pathId }),
    ).toMatchObject([{ course_id: c.courseId, enrollment_status: null }]);
    await db.rpc(learner.claims, "enroll_in_course", { p_course_id: c.courseId });
    await db.rpc(learner.claims, "complete_lesson", { p_lesson_id: c.l1 });
    expect(
      await db.rpc(learner.claims, "learning_path_progress", { p_learning_path_id: pathId }),
    ).toMatchObject([
      { course_id: c.courseId, enrollment_status: "active", lessons_completed: 1, lesson_count: 2 },
    ]);
  });
});
