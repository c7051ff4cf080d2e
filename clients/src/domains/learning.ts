// Learning: courses, enrollments, lessons, assessments and learning paths.
import { type PitlaneSupabase, rows, rpc, sorted } from "../call.ts";

export function learning(client: PitlaneSupabase) {
  return {
    /** Published courses with their modules and lessons. */
    courses: () =>
      rows(
        sorted(
          client
            .from("courses")
            .select("*, course_modules(*, course_lessons(id, title, position))")
            .eq("status", "published"),
          { title: "asc" },
        ),
      ),
    enroll: (courseId: string) => rpc(client, "enroll_in_course", { p_course_id: courseId }),
    cancelEnrollment: (enrollmentId: string) =>
      rpc(client, "cancel_course_enrollment", { p_enrollment_id: enrollmentId }),
    completeLesson: (lessonId: string) => rpc(client, "complete_lesson", { p_lesson_id: lessonId }),
    /** Answers: `{ <question id>: [<choice id>, …] }`, graded by the database. */
    submitAttempt: (assessmentId: string, answers: Record<string, string[]>) =>
      rpc(client, "submit_assessment_attempt", {
        p_assessment_id: assessmentId,
        p_answers: answers,
      }),
    pathProgress: (learningPathId: string) =>
      rpc(client, "learning_path_progress", { p_learning_path_id: learningPathId }),
  };
}
