-- Cancelling something paid goes through its refund (issue 12, items 2 and 3).
--
-- - Courses get the refund path events have: a refund window (courses.refund_window_days after
--   payment) in which the learner cancels a paid enrollment for a refund with
--   cancel_paid_course_enrollment (the payments function's /cancel-enrollment sends it to the
--   provider); the enrollment ends refunded when the provider confirms. Organization admins
--   refund all or part of it at any time with request_refund, as for events.
-- - One cancel entry point per thing bought: cancel_registration and cancel_course_enrollment
--   cancel what is not paid; on a paid seat or enrollment they change nothing and answer 409 with
--   a hint naming the call that refunds it (cancel_paid_registration / cancel_paid_course_enrollment
--   for the buyer, request_refund for the organizer). The paid calls refuse unpaid ones the same
--   way. Before this, cancel_registration cancelled a paid seat without a refund and
--   cancel_paid_registration then refused it; cancel_course_enrollment did the same to courses.
-- - A member's cancellation refunds what is left of the item after earlier (partial) refunds.
-- - Cancelling an enrollment pending payment voids its open invoice, as for registrations.
--
-- Lock order, as in the payments migration: event, invoice, then registration or enrollment.

alter table public.courses
  add column refund_window_days integer,
  add constraint courses_refund_window_days check (refund_window_days between 0 and 365);

comment on column public.courses.refund_window_days is
  'Learners may cancel a paid enrollment for a refund until this many days after paying (cancel_paid_course_enrollment); null: only the organization refunds.';

-- The refund of a member's cancellation: what is left of the item's amount after earlier
-- refunds of the invoice. The caller has checked the policy and locked the invoice.
create function private.request_cancellation_refund(p_invoice public.invoices, p_item_id uuid, p_reason text, p_requested_by uuid)
returns public.refunds
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_item_amount integer;
  v_left integer;
begin
  if exists (
    select 1 from public.refunds where invoice_item_id = p_item_id and status in ('requested', 'pending', 'succeeded')
  ) then
    raise exception using errcode = 'PT409', message = 'this is already refunded or being refunded';
  end if;
  select amount into v_item_amount from public.invoice_items where id = p_item_id;
  select p_invoice.amount_paid - coalesce(sum(amount), 0) into v_left
  from public.refunds
  where invoice_id = p_invoice.id and status in ('requested', 'pending', 'succeeded');
  if v_left <= 0 then
    raise exception using errcode = 'PT409', message = 'everything paid for this is already refunded or being refunded';
  end if;
  return private.new_refund(p_invoice, p_item_id, least(v_item_amount, v_left), p_reason, p_requested_by);
end;
$$;

revoke all on function private.request_cancellation_refund(public.invoices, uuid, text, uuid) from public;

-- ---------------------------------------------------------------------------------------------
-- Event registrations
-- ---------------------------------------------------------------------------------------------

-- Cancels a live registration that is not paid: by its registrant before the event starts, or by
-- the event's staff at any time. The seat goes to the waiting list. A paid seat is refused with
-- the call that cancels it with its refund.
create or replace function public.cancel_registration(p_registration_id uuid, p_reason text default null)
returns public.event_registrations
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := (select auth.uid());
  v_registration public.event_registrations;
  v_is_staff boolean;
  v_starts_at timestamptz;
begin
  if v_user_id is null then
    raise exception using errcode = '42501', message = 'sign in first';
  end if;
  v_registration := private.lock_registration(p_registration_id);
  v_is_staff := private.can_manage(v_registration.organization_id);
  if v_registration.user_id <> v_user_id and not v_is_staff then
    raise exception using errcode = 'PT404', message = 'registration not found';
  end if;
  if v_registration.status not in ('pending_payment', 'confirmed', 'waitlisted', 'offered') then
    raise exception using errcode = 'PT409', message = format('this registration is already %s', v_registration.status);
  end if;
  if v_registration.paid_at is not null then
    if v_registration.user_id = v_user_id then
      raise exception using errcode = 'PT409', message = 'this seat is paid: cancel it with cancel_paid_registration to get the refund',
        hint = 'POST /functions/v1/payments/cancel-registration {"registration_id": "…"} cancels it and sends the refund, under the event''s refund policy';
    end if;
    raise exception using errcode = 'PT409', message = 'this seat is paid: refund it to cancel it',
      hint = 'an organization admin calls request_refund with its invoice item (POST /functions/v1/payments/refund {"invoice_id", "invoice_item_id"}); the seat is released when the refund succeeds';
  end if;
  select starts_at into v_starts_at from public.events where id = v_registration.event_id;
  if not v_is_staff and v_starts_at <= now() then
    raise exception using errcode = 'PT409', message = 'the event has started: ask the organizer to cancel',
      hint = 'registrants can cancel until the event starts';
  end if;

  update public.event_registrations
  set status = 'cancelled',
    cancelled_at = now(),
    cancelled_by = v_user_id,
    cancellation_reason = p_reason,
    hold_expires_at = null,
    offer_expires_at = null
  where id = p_registration_id
  returning * into v_registration;

  perform private.process_event_queue(v_registration.event_id);
  select * into v_registration from public.event_registrations where id = p_registration_id;
  return v_registration;
end;
$$;

comment on function public.cancel_registration(uuid, text) is
  'Cancels a registration that is not paid (pending payment, confirmed free seat, waitlisted, offered): the registrant until the event starts, staff at any time; the seat goes to the waiting list. A paid seat answers 409 with a hint naming cancel_paid_registration (registrant) or request_refund (organizer).';

-- A member cancels their own paid registration under the event's refund policy (until
-- refund_cutoff_hours before the start): a refund of what they paid for it is requested; the
-- registration ends refunded, and its seat goes to the waiting list, when the provider confirms.
create or replace function public.cancel_paid_registration(p_registration_id uuid, p_reason text default null)
returns public.refunds
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_registration public.event_registrations;
  v_event public.events;
  v_item public.invoice_items;
  v_invoice public.invoices;
begin
  v_registration := private.lock_registration(p_registration_id);
  if v_registration.user_id <> v_user_id then
    raise exception using errcode = 'PT404', message = 'registration not found';
  end if;
  if v_registration.status <> 'confirmed' or v_registration.paid_at is null or v_registration.invoice_id is null then
    raise exception using errcode = 'PT409', message = format('only a paid, confirmed registration is cancelled for a refund: this one is %s', v_registration.status),
      hint = 'cancel_registration cancels one that is not paid';
  end if;
  select * into v_event from public.events where id = v_registration.event_id;
  if v_event.refund_cutoff_hours is null then
    raise exception using errcode = 'PT409', message = 'this event gives no refunds on cancellation',
      hint = 'ask the organizer';
  end if;
  if now() > v_event.starts_at - pg_catalog.make_interval(hours => v_event.refund_cutoff_hours) then
    raise exception using errcode = 'PT409', message = 'the refund cut-off has passed',
      hint = format('refunds end %s hours before the event starts', v_event.refund_cutoff_hours);
  end if;
  select * into v_invoice from public.invoices where id = v_registration.invoice_id for update;
  select * into v_item from public.invoice_items where invoice_id = v_invoice.id and event_registration_id = p_registration_id;
  return private.request_cancellation_refund(v_invoice, v_item.id, coalesce(p_reason, 'cancelled by the registrant'), v_user_id);
end;
$$;

comment on function public.cancel_paid_registration(uuid, text) is
  'The registrant cancels a paid, confirmed seat for a refund until the event''s refund_cutoff_hours before the start: returns the refund requested (what is left of the seat''s price after earlier refunds). The seat is released when the provider confirms. Call it through POST /functions/v1/payments/cancel-registration, which sends the refund to Stripe.';

-- ---------------------------------------------------------------------------------------------
-- Course enrollments
-- ---------------------------------------------------------------------------------------------

-- Cancels an enrollment that is pending payment (its open invoice is voided) or active and free:
-- by the learner or the staff. A paid enrollment is refused with the call that refunds it.
create or replace function public.cancel_course_enrollment(p_enrollment_id uuid)
returns public.course_enrollments
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := (select auth.uid());
  v_enrollment public.course_enrollments;
begin
  if v_user_id is null then
    raise exception using errcode = '42501', message = 'sign in first';
  end if;
  select * into v_enrollment from public.course_enrollments where id = p_enrollment_id;
  if not found or (v_enrollment.user_id <> v_user_id and not private.can_manage(v_enrollment.organization_id)) then
    raise exception using errcode = 'PT404', message = 'enrollment not found';
  end if;
  -- The invoice before the enrollment, as a payment locks them.
  perform 1 from public.invoices where id = v_enrollment.invoice_id for update;
  select * into v_enrollment from public.course_enrollments where id = p_enrollment_id for update;
  if v_enrollment.status not in ('pending_payment', 'active') then
    raise exception using errcode = 'PT409', message = format('this enrollment is %s', v_enrollment.status);
  end if;
  if v_enrollment.paid_at is not null then
    if v_enrollment.user_id = v_user_id then
      raise exception using errcode = 'PT409', message = 'this enrollment is paid: cancel it with cancel_paid_course_enrollment to get the refund',
        hint = 'POST /functions/v1/payments/cancel-enrollment {"enrollment_id": "…"} cancels it and sends the refund, within the course''s refund window';
    end if;
    raise exception using errcode = 'PT409', message = 'this enrollment is paid: refund it to cancel it',
      hint = 'an organization admin calls request_refund with its invoice item (POST /functions/v1/payments/refund {"invoice_id", "invoice_item_id"}); the enrollment ends when the refund succeeds';
  end if;
  update public.course_enrollments
  set status = 'cancelled', cancelled_at = now()
  where id = p_enrollment_id
  returning * into v_enrollment;
  update public.invoices
  set status = 'void', voided_at = now(), status_desc = 'the enrollment was cancelled'
  where id = v_enrollment.invoice_id and status = 'open';
  return v_enrollment;
end;
$$;

comment on function public.cancel_course_enrollment(uuid) is
  'Cancels an enrollment that is not paid (pending payment, whose open invoice is voided, or a free active one): the learner or the course''s staff. A paid enrollment answers 409 with a hint naming cancel_paid_course_enrollment (learner) or request_refund (organizer).';

-- The learner cancels their own paid, active enrollment within the course's refund window: a
-- refund of what they paid is requested; the enrollment ends refunded when the provider confirms.
create function public.cancel_paid_course_enrollment(p_enrollment_id uuid, p_reason text default null)
returns public.refunds
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_enrollment public.course_enrollments;
  v_course public.courses;
  v_invoice public.invoices;
  v_item public.invoice_items;
begin
  select * into v_enrollment from public.course_enrollments where id = p_enrollment_id;
  if not found or v_enrollment.user_id <> v_user_id then
    raise exception using errcode = 'PT404', message = 'enrollment not found';
  end if;
  if v_enrollment.invoice_id is not null then
    v_invoice := private.lock_invoice(v_enrollment.invoice_id);
  end if;
  select * into v_enrollment from public.course_enrollments where id = p_enrollment_id for update;
  if v_enrollment.paid_at is null or v_enrollment.invoice_id is null or v_enrollment.invoice_id <> v_invoice.id then
    raise exception using errcode = 'PT409', message = 'this enrollment has no payment to refund',
      hint = 'cancel_course_enrollment cancels one that is not paid';
  end if;
  if v_enrollment.status <> 'active' then
    raise exception using errcode = 'PT409', message = format('only an active enrollment is cancelled for a refund: this one is %s', v_enrollment.status),
      hint = case when v_enrollment.status = 'completed' then 'ask the organizer' end;
  end if;
  select * into v_course from public.courses where id = v_enrollment.course_id;
  if v_course.refund_window_days is null then
    raise exception using errcode = 'PT409', message = 'this course gives no refunds on cancellation',
      hint = 'ask the organizer';
  end if;
  if now() > v_enrollment.paid_at + pg_catalog.make_interval(days => v_course.refund_window_days) then
    raise exception using errcode = 'PT409', message = 'the refund window has passed',
      hint = format('refunds end %s days after payment', v_course.refund_window_days);
  end if;
  select * into v_item from public.invoice_items where invoice_id = v_invoice.id and course_enrollment_id = p_enrollment_id;
  return private.request_cancellation_refund(v_invoice, v_item.id, coalesce(p_reason, 'cancelled by the learner'), v_user_id);
end;
$$;

comment on function public.cancel_paid_course_enrollment(uuid, text) is
  'The learner cancels a paid, active enrollment for a refund until the course''s refund_window_days after paying: returns the refund requested (what is left of the price after earlier refunds). The enrollment ends refunded when the provider confirms. Call it through POST /functions/v1/payments/cancel-enrollment, which sends the refund to Stripe.';

revoke all on function public.cancel_paid_course_enrollment(uuid, text) from public, anon;
grant execute on function public.cancel_paid_course_enrollment(uuid, text) to authenticated, service_role;
