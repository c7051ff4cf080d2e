-- The existing domains notify through private.notify() from AFTER triggers on their tables, so
-- every path that changes a row (RPCs, payment hooks, scheduled jobs, the service role) tells the
-- person once, and the domains' RPCs stay as they are.
--
--   event_registrations   confirmed, waitlisted, offered a seat, offer expired, cancelled
--   course_enrollments    completed
--   certificates          issued, revoked
--   invoices              paid, refunded (whole or part); expiring (private.notify_expiring_invoices,
--                         every minute by pg_cron)
--   invoice_events        payment_failed (a provider's failure event)
--   organization_invitations  an invitation by email: in the app for an existing account, and an
--                         email with the accept link to the address
--
-- Texts are English; emails are rendered per language from the data by the email-delivery function.

-- ---------------------------------------------------------------------------------------------
-- Registrations
-- ---------------------------------------------------------------------------------------------

create function private.notify_registration_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_event public.events;
  v_type text;
  v_title text;
  v_data jsonb;
begin
  if tg_op = 'UPDATE' and new.status is not distinct from old.status then
    return null;
  end if;
  v_type := case
    when new.status = 'confirmed' then 'registration_confirmed'
    when new.status = 'waitlisted' then 'registration_waitlisted'
    when new.status = 'offered' then 'registration_offered'
    when new.status = 'expired' and tg_op = 'UPDATE' and old.status = 'offered' then 'registration_offer_expired'
    when new.status = 'cancelled' then 'registration_cancelled'
  end;
  if v_type is null then
    return null;
  end if;
  select * into v_event from public.events where id = new.event_id;
  v_data := pg_catalog.jsonb_build_object(
    'event_id', v_event.id, 'event_title', v_event.title, 'starts_at', v_event.starts_at,
    'offer_expires_at', new.offer_expires_at, 'registration_id', new.id);
  v_title := case v_type
    when 'registration_confirmed' then 'You''re registered for ' || v_event.title
    when 'registration_waitlisted' then 'You''re on the waiting list for ' || v_event.title
    when 'registration_offered' then 'A seat is free for you at ' || v_event.title
    when 'registration_offer_expired' then 'The seat offered to you at ' || v_event.title || ' has expired'
    else 'Your registration for ' || v_event.title || ' was cancelled'
  end;
  perform private.notify(
    v_type, array[new.user_id], pg_catalog.left(v_title, 200),
    case v_type
      when 'registration_offered' then 'Claim it before ' || pg_catalog.to_char(new.offer_expires_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC.'
      when 'registration_cancelled' then new.cancellation_reason
    end,
    v_data, 'event_registration', new.id, '/events/' || v_event.slug);
  return null;
end;
$$;

revoke all on function private.notify_registration_change() from public;

create trigger event_registrations_notify
  after insert or update of status on public.event_registrations
  for each row execute function private.notify_registration_change();

-- ---------------------------------------------------------------------------------------------
-- Learning and certificates
-- ---------------------------------------------------------------------------------------------

create function private.notify_course_completed()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_course public.courses;
begin
  if new.status <> 'completed' or (tg_op = 'UPDATE' and old.status = 'completed') then
    return null;
  end if;
  select * into v_course from public.courses where id = new.course_id;
  perform private.notify(
    'course_completed', array[new.user_id], pg_catalog.left('You completed ' || v_course.title, 200), null,
    pg_catalog.jsonb_build_object('course_id', v_course.id, 'course_title', v_course.title, 'enrollment_id', new.id),
    'course_enrollment', new.id, '/courses/' || v_course.slug);
  return null;
end;
$$;

revoke all on function private.notify_course_completed() from public;

create trigger course_enrollments_notify
  after insert or update of status on public.course_enrollments
  for each row execute function private.notify_course_completed();

create function private.notify_certificate_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_data jsonb := pg_catalog.jsonb_build_object(
    'certificate_id', new.id, 'certificate_number', new.certificate_number, 'title', new.title,
    'verification_code', new.verification_code, 'reason', new.revocation_reason);
begin
  if tg_op = 'INSERT' then
    perform private.notify(
      'certificate_issued', array[new.holder_id], pg_catalog.left('Your certificate: ' || new.title, 200),
      'Certificate ' || new.certificate_number, v_data, 'certificate', new.id, '/certificates/' || new.id);
  elsif new.revoked_at is not null and old.revoked_at is null then
    perform private.notify(
      'certificate_revoked', array[new.holder_id], pg_catalog.left('Your certificate was revoked: ' || new.title, 200),
      new.revocation_reason, v_data, 'certificate', new.id, '/certificates/' || new.id);
  end if;
  return null;
end;
$$;

revoke all on function private.notify_certificate_change() from public;

create trigger certificates_notify
  after insert or update of revoked_at on public.certificates
  for each row execute function private.notify_certificate_change();

-- ---------------------------------------------------------------------------------------------
-- Invoices
-- ---------------------------------------------------------------------------------------------

-- An amount in minor units as people read it (IDR has no minor unit in practice; the rest two).
create function private.format_amount(p_amount integer, p_currency text)
returns text
language sql
immutable
set search_path = ''
as $$
  select p_currency || ' ' || case
    when p_currency in ('IDR', 'JPY', 'KRW') then pg_catalog.to_char(p_amount, 'FM999G999G999G990')
    else pg_catalog.to_char(p_amount / 100.0, 'FM999G999G999G990D00')
  end
$$;

revoke all on function private.format_amount(integer, text) from public;

create function private.invoice_data(p_invoice public.invoices)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select pg_catalog.jsonb_build_object(
    'invoice_id', p_invoice.id, 'invoice_number', p_invoice.number, 'description', p_invoice.description,
    'amount', p_invoice.total_amount, 'amount_paid', p_invoice.amount_paid, 'amount_refunded', p_invoice.amount_refunded,
    'currency', p_invoice.currency, 'expires_at', p_invoice.expires_at,
    'formatted_amount', private.format_amount(p_invoice.total_amount, p_invoice.currency),
    'formatted_refund', private.format_amount(p_invoice.amount_refunded, p_invoice.currency))
$$;

revoke all on function private.invoice_data(public.invoices) from public;

create function private.notify_invoice_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status is not distinct from old.status and new.amount_refunded = old.amount_refunded then
    return null;
  end if;
  if new.status = 'paid' and old.status <> 'paid' then
    perform private.notify(
      'invoice_paid', array[new.user_id], 'Payment received for invoice ' || new.number,
      pg_catalog.left(private.format_amount(new.amount_paid, new.currency) || coalesce(' — ' || new.description, ''), 2000),
      private.invoice_data(new), 'invoice', new.id, '/invoices/' || new.id);
  elsif new.amount_refunded > old.amount_refunded then
    perform private.notify(
      'invoice_refunded', array[new.user_id], 'Refund for invoice ' || new.number,
      private.format_amount(new.amount_refunded - old.amount_refunded, new.currency) || ' refunded',
      private.invoice_data(new), 'invoice', new.id, '/invoices/' || new.id);
  end if;
  return null;
end;
$$;

revoke all on function private.notify_invoice_change() from public;

create trigger invoices_notify
  after update of status, amount_refunded on public.invoices
  for each row execute function private.notify_invoice_change();

-- A provider reported a failed payment attempt (apply_provider_event logs it as payment_failed).
create function private.notify_invoice_event()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_invoice public.invoices;
begin
  select * into v_invoice from public.invoices where id = new.invoice_id;
  perform private.notify(
    'invoice_payment_failed', array[v_invoice.user_id], 'Payment failed for invoice ' || v_invoice.number,
    pg_catalog.left(coalesce(new.detail ->> 'status_desc', 'The payment did not go through. You can try again before the invoice expires.'), 2000),
    private.invoice_data(v_invoice), 'invoice', v_invoice.id, '/invoices/' || v_invoice.id);
  return null;
end;
$$;

revoke all on function private.notify_invoice_event() from public;

create trigger invoice_events_notify
  after insert on public.invoice_events
  for each row when (new.kind = 'payment_failed')
  execute function private.notify_invoice_event();

-- Things notified once per subject by scheduled jobs (a reminder must not repeat every minute).
create table private.notified_once (
  type text not null,
  subject_id uuid not null,
  notified_at timestamptz not null default now(),
  primary key (type, subject_id)
);

revoke all on private.notified_once from public;

-- Reminds people of open invoices about to expire: within an hour, or within the last quarter of
-- a shorter-lived invoice's life. Once per invoice. Returns reminders sent.
create function private.notify_expiring_invoices(p_at timestamptz default now())
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_invoice public.invoices;
  v_count integer := 0;
begin
  for v_invoice in
    with due as (
      insert into private.notified_once (type, subject_id)
      select 'invoice_expiring', i.id
      from public.invoices i
      where i.status = 'open' and i.expires_at > p_at
        and i.expires_at - p_at <= least(interval '1 hour', (i.expires_at - i.created_at) / 4)
      on conflict do nothing
      returning subject_id
    )
    select i.* from public.invoices i join due on due.subject_id = i.id
  loop
    perform private.notify(
      'invoice_expiring', array[v_invoice.user_id], 'Invoice ' || v_invoice.number || ' expires soon',
      'Pay ' || private.format_amount(v_invoice.total_amount, v_invoice.currency) || ' before '
        || pg_catalog.to_char(v_invoice.expires_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC.',
      private.invoice_data(v_invoice), 'invoice', v_invoice.id, '/invoices/' || v_invoice.id);
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;

revoke all on function private.notify_expiring_invoices(timestamptz) from public;

comment on function private.notify_expiring_invoices(timestamptz) is
  'Scheduled: reminds each person once of an open invoice about to expire.';

-- ---------------------------------------------------------------------------------------------
-- Organization invitations
-- ---------------------------------------------------------------------------------------------

create function private.notify_invitation()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_organization public.organizations;
  v_inviter text;
  v_people uuid[];
begin
  select * into v_organization from public.organizations where id = new.organization_id;
  select display_name into v_inviter from public.profiles where id = new.invited_by;
  select pg_catalog.array_agg(u.id) into v_people
  from auth.users u join public.profiles p on p.id = u.id
  where pg_catalog.lower(u.email) = new.email;
  perform private.notify(
    'invitation_received', coalesce(v_people, '{}'),
    pg_catalog.left('You''re invited to join ' || v_organization.display_name, 200),
    pg_catalog.left(new.message, 2000),
    pg_catalog.jsonb_build_object(
      'organization_id', v_organization.id, 'organization_name', v_organization.display_name,
      'code', new.code, 'role', new.role, 'invited_by', v_inviter, 'expires_at', new.expires_at,
      'message', new.message, 'accept_path', '/invitations/accept?code=' || new.code),
    'organization_invitation', new.id, '/invitations/accept?code=' || new.code,
    case when v_people is null then array[new.email] else '{}' end);
  return null;
end;
$$;

revoke all on function private.notify_invitation() from public;

create trigger organization_invitations_notify
  after insert on public.organization_invitations
  for each row when (new.email is not null)
  execute function private.notify_invitation();

-- ---------------------------------------------------------------------------------------------
-- Scheduled notification work (Supabase Cron)
-- ---------------------------------------------------------------------------------------------

-- Every minute: invoice reminders and the digests that came due.
create function private.run_notification_jobs()
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
begin
  return pg_catalog.jsonb_build_object(
    'invoice_reminders', private.notify_expiring_invoices(),
    'digests', private.queue_digests());
end;
$$;

revoke all on function private.run_notification_jobs() from public;

select cron.schedule('notification-jobs', '* * * * *', $$select private.run_notification_jobs()$$);
