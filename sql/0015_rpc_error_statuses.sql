-- Error statuses: every raise in the functions of `public` and `private` says what went wrong in a
-- SQLSTATE that PostgREST (hosted Supabase's included) turns into the right HTTP status. Before
-- this, "not found" used P0002, which PostgREST answers with 500, and conflicts used P0001 (400).
--
--   not found      PT404 (404)  also for an object the caller may not see: RLS would hide it too
--   not allowed    42501        401 for anon ("sign in"), 403 for a signed-in caller
--   conflict       PT409 (409)  the object's state forbids it: already done, closed, expired, …
--   bad argument   22023 (400)  the arguments themselves are wrong, whatever the state
--
-- The function bodies are rewritten in place rather than copied here: each function's stored
-- definition (pg_get_functiondef) gets its errcodes replaced and is run again as
-- `create or replace`, which keeps its owner, grants, comment and trigger bindings. Not found is
-- a plain replace of P0002 by PT404; every P0001 is listed below with the code it becomes, by the
-- source text of its message. The handler in private.apply_payment that turns a refused
-- fulfilment into a refund catches the new codes. The block fails when a listed message matches
-- nothing, and when any P0001 or P0002 is left, so a raise without a decision cannot slip through.

-- attach_invoice_receipt answered "only a paid invoice has a receipt" for an unknown invoice
-- too: it now tells the two apart (404, 409). Redefined before the rewrite below, which then
-- finds nothing left to decide in it.
create or replace function public.attach_invoice_receipt(p_invoice_id uuid, p_path text)
returns public.invoices
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_invoice public.invoices := private.lock_invoice(p_invoice_id);
begin
  if v_invoice.status not in ('paid', 'partially_refunded', 'refunded') then
    raise exception using errcode = 'PT409', message = 'only a paid invoice has a receipt',
      hint = format('this invoice is %s', v_invoice.status);
  end if;
  update public.invoices set receipt_path = p_path
  where id = p_invoice_id
  returning * into v_invoice;
  return v_invoice;
end;
$$;

do $rewrite$
declare
  v_function record;
  v_definition text;
  v_rewritten text;
  v_change record;
  v_pattern text;
  v_matches integer;
  v_unmatched text[];
begin
  create temporary table error_code_decisions (
    message_source text primary key,
    errcode text not null check (errcode in ('PT409', '22023', 'XX000')),
    matched boolean not null default false
  ) on commit drop;

  -- `message_source` is the text after `message = ` in the raise, up to where it differs from
  -- every other; P0001 raises of the same message in several functions share a decision.
  insert into error_code_decisions (message_source, errcode) values
    -- 0002 organizations
    ('''an organization must keep at least one owner''', 'PT409'),
    ('''an invitation cannot make someone an owner''', '22023'),
    ('''an invitation must expire within 90 days''', '22023'),
    ('''that person is already a member of the organization''', 'PT409'),
    ('''that email already has a pending invitation''', 'PT409'),
    ('format(''this invitation was already %s''', 'PT409'),
    ('''this invitation has expired''', 'PT409'),
    ('''you are already a member of this organization''', 'PT409'),
    -- 0003 events (the status workflow of direct writes)
    ('''a new event is a draft or published''', '22023'),
    ('format(''an event cannot go from %s to %s''', 'PT409'),
    ('''an event with registrations cannot go back to draft''', 'PT409'),
    ('''an event cannot be completed before it starts''', 'PT409'),
    -- 0004 event registrations
    ('format(''this event is %s''', 'PT409'),
    ('''registration for this event is closed''', 'PT409'),
    ('''registration for this event has not opened yet''', 'PT409'),
    ('''registration for this event has closed''', 'PT409'),
    ('''you cannot be invited by yourself''', '22023'),
    ('''you are already registered for this event''', 'PT409'),
    ('format(''this registration is already %s''', 'PT409'),
    ('''the event has started: ask the organizer to cancel''', 'PT409'),
    ('''this seat offer has expired''', 'PT409'),
    ('format(''there is no seat offer to claim: this registration is %s''', 'PT409'),
    ('''this event does not allow transfers''', 'PT409'),
    ('''only a confirmed registration can be transferred''', 'PT409'),
    ('''a registration that was checked in cannot be transferred''', 'PT409'),
    ('''the event has started: registrations can no longer be transferred''', 'PT409'),
    ('''transfer to someone else''', '22023'),
    ('''the recipient must be a member of the organization''', 'PT409'),
    ('''the recipient is already registered for this event''', 'PT409'),
    ('format(''cannot confirm a payment for a %s registration''', 'PT409'),
    ('''this registration was never paid''', 'PT409'),
    -- 0005 attendance: a ticket in the wrong state is a conflict, a wrong session or time an argument
    ('''this ticket is for another event''', 'PT409'),
    ('''check-in is open only for published and completed events''', 'PT409'),
    ('''this registration is not confirmed''', 'PT409'),
    ('''pass the session of this event being checked in''', '22023'),
    ('''the scan time is outside the event''', '22023'),
    -- a refusal code record_check_in does not produce: a bug, so a 500
    ('p_result.result', 'XX000'),
    -- 0006 learning
    ('''a learning path can only hold courses of its own organization''', '22023'),
    ('format(''this course is %s''', 'PT409'),
    ('''you are already enrolled in this course''', 'PT409'),
    ('format(''this enrollment is %s''', 'PT409'),
    ('format(''cannot confirm a payment for a %s enrollment''', 'PT409'),
    ('''you have already passed this assessment''', 'PT409'),
    ('''no attempts left for this assessment''', 'PT409'),
    ('''this assessment has no questions yet''', 'PT409'),
    -- 0007 certificates
    ('''a certificate needs a confirmed registration that was checked in''', 'PT409'),
    ('''a certificate needs a completed course enrollment''', 'PT409'),
    ('''a revoked certificate cannot be re-issued''', 'PT409'),
    ('format(''a certificate was already issued for the %s cycle''', 'PT409'),
    ('''this certificate is already revoked''', 'PT409'),
    -- 0012 payments
    ('format(''only a registration pending payment can be paid: this one is %s''', 'PT409'),
    ('''this event is free: there is nothing to pay''', 'PT409'),
    ('format(''only an enrollment pending payment can be paid: this one is %s''', 'PT409'),
    ('''this course is free: there is nothing to pay''', 'PT409'),
    ('format(''only %s of %s left''', 'PT409'),
    ('''products in one cart must share a currency''', '22023'),
    ('''these products are free: there is nothing to pay''', 'PT409'),
    ('format(''only an open invoice can be voided: this one is %s''', 'PT409'),
    ('format(''only a paid invoice can be refunded: this one is %s''', 'PT409'),
    ('''that is more than is left to refund''', 'PT409'),
    ('''this item is already refunded or being refunded''', 'PT409'),
    ('''only a paid, confirmed registration is cancelled for a refund''', 'PT409'),
    ('''this event gives no refunds on cancellation''', 'PT409'),
    ('''the refund cut-off has passed''', 'PT409'),
    ('format(''this invoice is already %s''', 'PT409'),
    ('format(''this invoice is %s''', 'PT409');

  for v_function in
    select p.oid
    from pg_catalog.pg_proc as p
    join pg_catalog.pg_namespace as n on n.oid = p.pronamespace
    where n.nspname in ('public', 'private')
      and p.prosrc ~ '(errcode = |sqlstate )''P000[12]'''
      -- functions of extensions installed in these schemas are theirs, not ours
      and not exists (
        select 1 from pg_catalog.pg_depend as d
        where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e'
      )
  loop
    v_definition := pg_catalog.pg_get_functiondef(v_function.oid);
    v_rewritten := pg_catalog.replace(v_definition, 'errcode = ''P0002''', 'errcode = ''PT404''');
    -- fulfilment refusals were P0001 (now PT409: the registration or enrollment is in another
    -- state) or P0002 (now PT404)
    v_rewritten := pg_catalog.replace(
      v_rewritten,
      'when sqlstate ''P0001'' or sqlstate ''P0002'' then',
      'when sqlstate ''PT409'' or sqlstate ''PT404'' then'
    );
    for v_change in select message_source, errcode from error_code_decisions loop
      -- errcode and message may be on two lines: `errcode = 'P0001',\n      message = …`
      v_pattern := 'errcode = ''P0001'',(\s*)message = '
        || pg_catalog.regexp_replace(v_change.message_source, '([.*+?^${}()|\[\]\\])', '\\\1', 'g');
      v_matches := pg_catalog.regexp_count(v_rewritten, v_pattern);
      if v_matches > 0 then
        v_rewritten := pg_catalog.regexp_replace(
          v_rewritten, v_pattern,
          'errcode = ''' || v_change.errcode || ''',\1message = ' || pg_catalog.replace(v_change.message_source, '\', '\\'),
          'g'
        );
        update error_code_decisions set matched = true where message_source = v_change.message_source;
      end if;
    end loop;
    if v_rewritten ~ '(errcode = |sqlstate )''P000[12]''' then
      raise exception 'no error status decided for % in %',
        (pg_catalog.regexp_match(v_rewritten, '(?:errcode = |sqlstate )''P000[12]''[^;]*'))[1], v_function.oid::regprocedure;
    end if;
    execute v_rewritten;
  end loop;

  select pg_catalog.array_agg(message_source) into v_unmatched from error_code_decisions where not matched;
  if v_unmatched is not null then
    raise exception 'error status decisions that match no raise: %', v_unmatched;
  end if;
end;
$rewrite$;
