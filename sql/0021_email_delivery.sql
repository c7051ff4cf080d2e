-- Email delivery the Supabase way: the database asks the email-delivery edge function to send
-- due mail with a pg_net request, queued in the transaction and sent after it commits:
--   - right away, when a statement queues mail that is already due (a trigger on email_outbox,
--     once per statement, so an announcement to 10,000 people makes one request), and
--   - every minute (pg_cron job deliver-email), for mail that waited (quiet hours, backoff, a
--     worker that died) and anything the instant request missed.
-- Where the function is and the key it needs live in private.email_delivery_endpoint, set once
-- per project (locally the seed sets it for the default ports); without a row, or without pg_net,
-- nothing is requested and the mail waits in the outbox.

create table private.email_delivery_endpoint (
  one boolean primary key default true check (one),
  function_url text not null,
  service_role_key text not null,
  constraint email_delivery_endpoint_url check (function_url ~ '^https?://')
);

revoke all on private.email_delivery_endpoint from public;

comment on table private.email_delivery_endpoint is
  'Where the email-delivery function is ($SUPABASE_URL/functions/v1/email-delivery) and the service role key to call it with. One row; none means no delivery requests.';

-- Queues one request to the delivery function (after commit, by pg_net), if it is configured.
create function private.request_email_delivery()
returns bigint
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_endpoint private.email_delivery_endpoint;
begin
  select * into v_endpoint from private.email_delivery_endpoint;
  if not found or pg_catalog.to_regprocedure('net.http_post(text, jsonb, jsonb, jsonb, integer)') is null then
    return null;
  end if;
  return net.http_post(
    url := v_endpoint.function_url,
    body := '{}'::jsonb,
    headers := pg_catalog.jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || v_endpoint.service_role_key),
    timeout_milliseconds := 60000);
end;
$$;

revoke all on function private.request_email_delivery() from public;

create function private.deliver_new_email()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if exists (select 1 from new_rows where status = 'pending' and due_at <= now()) then
    perform private.request_email_delivery();
  end if;
  return null;
end;
$$;

revoke all on function private.deliver_new_email() from public;

create trigger email_outbox_deliver
  after insert on public.email_outbox
  referencing new table as new_rows
  for each statement execute function private.deliver_new_email();

select cron.schedule(
  'deliver-email', '* * * * *',
  $$select private.request_email_delivery()
    where exists (select 1 from public.email_outbox
                  where (status = 'pending' and due_at <= now()) or (status = 'sending' and claimed_until < now()))$$
);
