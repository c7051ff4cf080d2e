-- A seller cannot buy their own car's deposit or their own part. Such an invoice would take the car
-- off sale (or the part's units) for nobody, and its payment would count as a sale of the seller's
-- listing. The check is on the invoice line, which every checkout path writes (checkout_products
-- today, any later one too), so no checkout function has to repeat it.

create function private.refuse_own_listing_purchase()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if exists (select 1 from public.car_listings where product_id = new.product_id and seller_id = new.user_id)
    or exists (select 1 from public.part_listings where product_id = new.product_id and seller_id = new.user_id)
  then
    raise exception using errcode = 'PT409', message = 'you cannot buy your own listing';
  end if;
  return new;
end;
$$;

revoke all on function private.refuse_own_listing_purchase() from public;
comment on function private.refuse_own_listing_purchase() is
  'Refuses an invoice line for a product of a car or part listing whose seller is the buyer (409).';

create trigger invoice_items_not_own_listing
  before insert on public.invoice_items
  for each row when (new.product_id is not null)
  execute function private.refuse_own_listing_purchase();
