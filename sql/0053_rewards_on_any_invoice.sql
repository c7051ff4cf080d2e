-- Reward points pay part of any invoice (issue 16: "rewards can pay part of an invoice"), not only
-- a membership bought with checkout_membership(p_reward_points).
--
-- apply_reward_points(invoice, points): the payer's own open invoice, before its checkout starts
-- (a provider's session already carries the amount), once per invoice. The points lower the
-- invoice's lines rather than the invoice alone, because Stripe Checkout is sent the lines and
-- Faspay the total, and both must agree with what is owed: each line's unit price comes down in
-- turn, the largest line first, a line of several units by whole points per unit, so slightly
-- fewer points than asked may be spent (the answer says how many). At least one minor unit stays
-- to pay: points pay part, never all. The points are spent at once (409 when the balance is
-- short) and come back as membership points do, when the invoice expires, is voided or is
-- refunded whole (private.return_invoice_reward_points).

create function public.apply_reward_points(p_invoice_id uuid, p_points integer)
returns table (invoice_id uuid, points_applied integer, total_amount integer, rewards_balance integer)
language plpgsql
security definer
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_user_id uuid := private.require_active_user();
  v_invoice public.invoices;
  v_item record;
  v_left integer;
  v_per_unit integer;
  v_applied integer := 0;
begin
  select * into v_invoice from public.invoices i where i.id = p_invoice_id and i.user_id = v_user_id for update;
  if not found then
    raise exception using errcode = 'PT404', message = 'invoice not found';
  end if;
  if v_invoice.status <> 'open' or v_invoice.expires_at <= pg_catalog.now() then
    raise exception using errcode = 'PT409', message = 'only an open invoice takes reward points';
  end if;
  if v_invoice.provider is not null or v_invoice.checkout_url is not null or v_invoice.provider_reference is not null then
    raise exception using errcode = 'PT409', message = 'the checkout of this invoice has started: apply points before paying',
      hint = 'an invoice is sent to Stripe or Faspay with its amount';
  end if;
  if exists (select 1 from public.reward_entries e where e.invoice_id = p_invoice_id and e.reason = 'invoice_payment') then
    raise exception using errcode = 'PT409', message = 'reward points were already applied to this invoice';
  end if;
  if p_points is null or p_points < 1 or p_points >= v_invoice.total_amount then
    raise exception using errcode = '22023', message = 'reward points pay part of an invoice: from 1 to less than its total',
      hint = pg_catalog.format('the total is %s minor units', v_invoice.total_amount);
  end if;

  v_left := p_points;
  for v_item in
    select it.id, it.quantity, it.unit_amount from public.invoice_items it
    where it.invoice_id = p_invoice_id and it.unit_amount > 0
    order by it.amount desc, it.id
  loop
    exit when v_left < 1;
    v_per_unit := least(v_item.unit_amount, v_left / v_item.quantity);
    continue when v_per_unit = 0;
    update public.invoice_items it set unit_amount = it.unit_amount - v_per_unit where it.id = v_item.id;
    v_left := v_left - v_per_unit * v_item.quantity;
    v_applied := v_applied + v_per_unit * v_item.quantity;
  end loop;
  if v_applied = 0 then
    raise exception using errcode = '22023', message = 'too few points for this invoice''s lines: each unit takes at least one point';
  end if;

  insert into public.reward_entries (user_id, points, reason, invoice_id, detail)
  values (v_user_id, -v_applied, 'invoice_payment', p_invoice_id, pg_catalog.jsonb_build_object('points_asked', p_points));
  perform private.log_invoice(p_invoice_id, 'reward_points_applied', pg_catalog.jsonb_build_object('points', v_applied));

  return query
    select i.id, v_applied, i.total_amount, coalesce((select b.balance from public.reward_balances b where b.user_id = v_user_id), 0)
    from public.invoices i where i.id = p_invoice_id;
end;
$$;

comment on function public.apply_reward_points(uuid, integer) is
  'The payer spends reward points (one point, one minor unit) on part of their open invoice before its checkout, once per invoice: its lines come down, largest first. Answers the points applied, the new total and the balance. The points come back if the invoice expires, is voided or is refunded whole. 404 not theirs, 409 not open / checkout started / already applied / balance short, 400 points out of range.';

revoke all on function public.apply_reward_points(uuid, integer) from public, anon;
grant execute on function public.apply_reward_points(uuid, integer) to authenticated, service_role;
