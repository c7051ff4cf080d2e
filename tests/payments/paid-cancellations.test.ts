// Cancelling what was paid for goes through its refund (issue 12, items 2 and 3): a paid event
// seat or course enrollment is refused by the free cancel call with a 409 naming the refund call,
// and the refund call refuses an unpaid one naming the free call; courses refund within their
// window, partially too, through the payments ledger and Stripe. supabase-js and the payments
// function against a fake Stripe.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { paymentsWorld, type PaymentsWorld, type Person } from "./helpers.ts";

let w: PaymentsWorld;
let orgAdmin: Person;
let orgId: string;

beforeAll(async () => {
  w = await paymentsWorld();
  orgAdmin = await w.person("Org Admin");
  orgId = await w.organization(orgAdmin);
});

afterAll(async () => {
  await w?.stop();
});

async function row(table: "event_registrations" | "course_enrollments" | "invoices", id: string) {
  const [found] = await w.db.sql(`select * from public.${table} where id = $1`, [id]);
  return found!;
}

const refundsOf = (invoiceId: string) =>
  w.db.sql(
    `select amount, status from public.refunds where invoice_id = $1 order by requested_at`,
    [invoiceId],
  );

/** Stripe confirms the refund the payments function sent. */
async function stripeConfirms(paymentIntent: string, providerRefundId: string) {
  const answer = await w.stripeWebhook(
    w.stripe.chargeRefunded(paymentIntent, [w.stripe.refunds.get(providerRefundId)!]),
  );
  expect(answer.body.status).toBe("processed");
}

async function course(fields: {
  refund_window_days: number | null;
  price_amount?: number;
}): Promise<string> {
  const [created] = await w.db.sql<{ id: string }>(
    `insert into public.courses (organization_id, slug, title, status, price_amount, currency, published_at, refund_window_days)
     values ($1, $2, 'Paid course', 'published', $3, 'USD', now(), $4) returning id`,
    [
      orgId,
      `refund-course-${randomUUID().slice(0, 8)}`,
      fields.price_amount ?? 9900,
      fields.refund_window_days,
    ],
  );
  return created!.id;
}

/** enroll → checkout RPC → paid with Stripe. */
async function paidEnrollment(learner: Person, courseId: string) {
  const { data: enrollment } = await learner.client.rpc("enroll_in_course", {
    p_course_id: courseId,
  });
  const { data: inv } = await learner.client.rpc("checkout_course_enrollment", {
    p_enrollment_id: enrollment.id,
  });
  const { paymentIntent, answer } = await w.payWithStripe(learner, inv.id);
  expect(answer.body.invoice_status).toBe("paid");
  expect((await row("course_enrollments", enrollment.id)).status).toBe("active");
  return { enrollmentId: enrollment.id as string, invoiceId: inv.id as string, paymentIntent };
}

describe("event seats: one way to cancel each", () => {
  it("a paid seat is refused by cancel_registration with a hint, then cancelled for its refund", async () => {
    const buyer = await w.person("Seat Buyer");
    const eventId = await w.event(orgId, {
      capacity: 1,
      price_amount: 6000,
      refund_cutoff_hours: 24,
    });
    const { data: reg } = await buyer.client.rpc("register_for_event", { p_event_id: eventId });
    const { data: inv } = await buyer.client.rpc("checkout_event_registration", {
      p_registration_id: reg.id,
    });
    const { paymentIntent } = await w.payWithStripe(buyer, inv.id);
    expect((await row("event_registrations", reg.id)).status).toBe("confirmed");

    // The free path changes nothing, and says which call refunds: to the buyer and to the organizer.
    const free = await buyer.client.rpc("cancel_registration", { p_registration_id: reg.id });
    expect(free.status).toBe(409);
    expect(free.error).toMatchObject({
      code: "PT409",
      message: expect.stringContaining("cancel_paid_registration"),
    });
    expect(free.error!.hint).toContain("/functions/v1/payments/cancel-registration");
    const byOrganizer = await orgAdmin.client.rpc("cancel_registration", {
      p_registration_id: reg.id,
    });
    expect(byOrganizer.error).toMatchObject({
      code: "PT409",
      hint: expect.stringContaining("request_refund"),
    });
    expect(await row("event_registrations", reg.id)).toMatchObject({
      status: "confirmed",
      cancelled_at: null,
    });
    expect(await row("invoices", inv.id)).toMatchObject({ status: "paid" });
    expect(await refundsOf(inv.id)).toEqual([]);

    // The call it names refunds the seat; the seat is released when Stripe confirms.
    const cancel = await w.invoke(buyer, "payments/cancel-registration", {
      registration_id: reg.id,
    });
    expect(cancel.error).toBeNull();
    expect(cancel.data).toMatchObject({ status: "pending", amount: 6000 });
    await stripeConfirms(paymentIntent, cancel.data.provider_refund_id);
    expect((await row("event_registrations", reg.id)).status).toBe("refunded");
    expect(await row("invoices", inv.id)).toMatchObject({
      status: "refunded",
      amount_refunded: 6000,
    });
  });

  it("an unpaid seat is refused by the refund call with a hint, and cancelled by cancel_registration", async () => {
    const holder = await w.person("Seat Holder");
    const { data: reg } = await holder.client.rpc("register_for_event", {
      p_event_id: await w.event(orgId),
    });
    const { data: inv } = await holder.client.rpc("checkout_event_registration", {
      p_registration_id: reg.id,
    });

    const refused = await w.invoke(holder, "payments/cancel-registration", {
      registration_id: reg.id,
    });
    expect(refused.status).toBe(409);
    expect(refused.error.error).toMatchObject({
      code: "conflict",
      message: expect.stringContaining("pending_payment"),
    });
    const direct = await holder.client.rpc("cancel_paid_registration", {
      p_registration_id: reg.id,
    });
    expect(direct.error).toMatchObject({
      code: "PT409",
      hint: "cancel_registration cancels one that is not paid",
    });
    expect((await row("event_registrations", reg.id)).status).toBe("pending_payment");

    const { data: cancelled, error } = await holder.client.rpc("cancel_registration", {
      p_registration_id: reg.id,
    });
    expect(error).toBeNull();
    expect(cancelled.status).toBe("cancelled");
    expect((await row("invoices", inv.id)).status).toBe("void");
    // Someone else's registration is not found, in the new convention.
    const stranger = await w.person();
    expect(
      (await stranger.client.rpc("cancel_paid_registration", { p_registration_id: reg.id })).error,
    ).toMatchObject({ code: "PT404" });
  });
});

describe("course enrollments: the refund path of events", () => {
  it("a paid enrollment is refused by cancel_course_enrollment with a hint, then cancelled for its refund within the window", async () => {
    const learner = await w.person("Learner");
    const { enrollmentId, invoiceId, paymentIntent } = await paidEnrollment(
      learner,
      await course({ refund_window_days: 14 }),
    );

    const free = await learner.client.rpc("cancel_course_enrollment", {
      p_enrollment_id: enrollmentId,
    });
    expect(free.status).toBe(409);
    expect(free.error).toMatchObject({
      code: "PT409",
      message: expect.stringContaining("cancel_paid_course_enrollment"),
    });
    expect(free.error!.hint).toContain("/functions/v1/payments/cancel-enrollment");
    const byOrganizer = await orgAdmin.client.rpc("cancel_course_enrollment", {
      p_enrollment_id: enrollmentId,
    });
    expect(byOrganizer.error).toMatchObject({
      code: "PT409",
      hint: expect.stringContaining("request_refund"),
    });
    expect(await row("course_enrollments", enrollmentId)).toMatchObject({
      status: "active",
      cancelled_at: null,
    });
    expect(await refundsOf(invoiceId)).toEqual([]);

    const cancel = await w.invoke(learner, "payments/cancel-enrollment", {
      enrollment_id: enrollmentId,
      reason: "not for me",
    });
    expect(cancel.error).toBeNull();
    expect(cancel.data).toMatchObject({ status: "pending", amount: 9900 });
    expect(w.stripe.refunds.get(cancel.data.provider_refund_id)).toMatchObject({
      payment_intent: paymentIntent,
      amount: 9900,
    });
    // Twice is a conflict; the enrollment stays until Stripe confirms.
    const twice = await w.invoke(learner, "payments/cancel-enrollment", {
      enrollment_id: enrollmentId,
    });
    expect(twice.status).toBe(409);
    expect((await row("course_enrollments", enrollmentId)).status).toBe("active");
    await stripeConfirms(paymentIntent, cancel.data.provider_refund_id);
    expect(await row("course_enrollments", enrollmentId)).toMatchObject({
      status: "refunded",
      refunded_at: expect.any(Date),
    });
    expect(await row("invoices", invoiceId)).toMatchObject({
      status: "refunded",
      amount_refunded: 9900,
    });
  });

  it("partial refunds go through the ledger; the learner's cancellation refunds what is left", async () => {
    const learner = await w.person("Partial Learner");
    const { enrollmentId, invoiceId, paymentIntent } = await paidEnrollment(
      learner,
      await course({ refund_window_days: 7 }),
    );

    const partial = await w.invoke(orgAdmin, "payments/refund", {
      invoice_id: invoiceId,
      amount: 2000,
      reason: "a module was cancelled",
    });
    expect(partial.error).toBeNull();
    await stripeConfirms(paymentIntent, partial.data.provider_refund_id);
    expect(await row("invoices", invoiceId)).toMatchObject({
      status: "partially_refunded",
      amount_refunded: 2000,
    });
    expect((await row("course_enrollments", enrollmentId)).status).toBe("active");

    const cancel = await w.invoke(learner, "payments/cancel-enrollment", {
      enrollment_id: enrollmentId,
    });
    expect(cancel.error).toBeNull();
    expect(cancel.data).toMatchObject({ status: "pending", amount: 7900 });
    await stripeConfirms(paymentIntent, cancel.data.provider_refund_id);
    expect((await row("course_enrollments", enrollmentId)).status).toBe("refunded");
    expect(await row("invoices", invoiceId)).toMatchObject({
      status: "refunded",
      amount_paid: 9900,
      amount_refunded: 9900,
    });
    expect(await refundsOf(invoiceId)).toEqual([
      { amount: 2000, status: "succeeded" },
      { amount: 7900, status: "succeeded" },
    ]);
  });

  it("no refund after the window, nor from a course without one; an unpaid enrollment cancels the free way", async () => {
    const late = await w.person("Late Learner");
    const windowed = await paidEnrollment(late, await course({ refund_window_days: 7 }));
    await w.db.sql(
      `update public.course_enrollments set paid_at = now() - interval '8 days' where id = $1`,
      [windowed.enrollmentId],
    );
    const afterWindow = await w.invoke(late, "payments/cancel-enrollment", {
      enrollment_id: windowed.enrollmentId,
    });
    expect(afterWindow.status).toBe(409);
    expect(afterWindow.error.error.message).toBe("the refund window has passed");

    const strict = await paidEnrollment(late, await course({ refund_window_days: null }));
    const noPolicy = await late.client.rpc("cancel_paid_course_enrollment", {
      p_enrollment_id: strict.enrollmentId,
    });
    expect(noPolicy.error).toMatchObject({
      code: "PT409",
      message: "this course gives no refunds on cancellation",
      hint: "ask the organizer",
    });
    for (const { enrollmentId, invoiceId } of [windowed, strict]) {
      expect((await row("course_enrollments", enrollmentId)).status).toBe("active");
      expect(await refundsOf(invoiceId)).toEqual([]);
    }
    // Someone else's enrollment is not found.
    const stranger = await w.person();
    expect(
      (
        await stranger.client.rpc("cancel_paid_course_enrollment", {
          p_enrollment_id: strict.enrollmentId,
        })
      ).error,
    ).toMatchObject({ code: "PT404" });

    // Pending payment: the refund call names the free one, which cancels it and voids its invoice.
    const { data: pending } = await late.client.rpc("enroll_in_course", {
      p_course_id: await course({ refund_window_days: 7 }),
    });
    const { data: inv } = await late.client.rpc("checkout_course_enrollment", {
      p_enrollment_id: pending.id,
    });
    const refused = await late.client.rpc("cancel_paid_course_enrollment", {
      p_enrollment_id: pending.id,
    });
    expect(refused.error).toMatchObject({
      code: "PT409",
      hint: "cancel_course_enrollment cancels one that is not paid",
    });
    const { data: cancelled, error } = await late.client.rpc("cancel_course_enrollment", {
      p_enrollment_id: pending.id,
    });
    expect(error).toBeNull();
    expect(cancelled.status).toBe("cancelled");
    expect(await row("invoices", inv.id)).toMatchObject({
      status: "void",
      status_desc: "the enrollment was cancelled",
    });
  });
});
