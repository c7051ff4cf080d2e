-- Events use the reference data (the seed's ReferenceEventModel, reference_items of
-- sql/0040_blog_about_reference.sql): an event's category and region name reference items of
-- those kinds, and an event's references may cite a reference item of kind event_reference.
--
--   events.category_id, events.region_id     optional; existing events keep none
--   event_references.reference_item_id      optional; the row keeps its own title and url, so
--                                           existing references stay as they are
--
-- A foreign key makes the item exist and stay (on delete restrict: retire an item in use with
-- is_active = false); a trigger checks its kind and that a newly chosen item is active. An item's
-- kind cannot change, so an event's category stays a category. events.level stays the
-- skill_level enum, whose values the reference items of kind level label.

alter table public.events
  add column category_id uuid references public.reference_items (id) on delete restrict,
  add column region_id uuid references public.reference_items (id) on delete restrict;

comment on column public.events.category_id is 'The event''s category: a reference item of kind category.';
comment on column public.events.region_id is 'The event''s region: a reference item of kind region.';

create index events_category_id_idx on public.events (category_id);
create index events_region_id_idx on public.events (region_id);

alter table public.event_references
  add column reference_item_id uuid references public.reference_items (id) on delete restrict;

comment on column public.event_references.reference_item_id is
  'The reference item (kind event_reference) this reference cites, when it cites one.';

create index event_references_reference_item_id_idx on public.event_references (reference_item_id);

-- Refuses an item of the wrong kind, or an inactive item newly chosen (one already set may stay
-- after it is retired).
create function private.check_reference_item(p_item_id uuid, p_old_item_id uuid, p_kind text, p_column text)
returns void
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_item public.reference_items;
begin
  if p_item_id is null or p_item_id is not distinct from p_old_item_id then
    return;
  end if;
  select * into v_item from public.reference_items where id = p_item_id;
  if not found then
    return; -- the foreign key answers
  end if;
  if v_item.kind <> p_kind then
    raise exception using errcode = '22023',
      message = pg_catalog.format('%s must be a reference item of kind %s, not %s', p_column, p_kind, v_item.kind);
  end if;
  if not v_item.is_active then
    raise exception using errcode = '22023', message = pg_catalog.format('the %s %s is retired', p_kind, v_item.code),
      hint = 'choose an active reference item';
  end if;
end;
$$;

revoke all on function private.check_reference_item(uuid, uuid, text, text) from public;
grant execute on function private.check_reference_item(uuid, uuid, text, text) to authenticated, service_role;

comment on function private.check_reference_item(uuid, uuid, text, text) is
  'Checks that a chosen reference item has the expected kind and is active. Granted to authenticated because the events and event_references triggers, which run as the editor, call it.';

create function private.check_event_reference_items()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_table_name = 'events' then
    perform private.check_reference_item(new.category_id, case when tg_op = 'UPDATE' then old.category_id end, 'category', 'category_id');
    perform private.check_reference_item(new.region_id, case when tg_op = 'UPDATE' then old.region_id end, 'region', 'region_id');
  else
    perform private.check_reference_item(new.reference_item_id, case when tg_op = 'UPDATE' then old.reference_item_id end,
      'event_reference', 'reference_item_id');
  end if;
  return new;
end;
$$;

revoke all on function private.check_event_reference_items() from public;

create trigger events_reference_items
  before insert or update of category_id, region_id on public.events
  for each row execute function private.check_event_reference_items();

create trigger event_references_reference_item
  before insert or update of reference_item_id on public.event_references
  for each row execute function private.check_event_reference_items();

create function private.keep_reference_item_kind()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.kind <> old.kind then
    raise exception using errcode = 'PT409', message = 'a reference item''s kind cannot change',
      hint = 'add an item of the other kind instead';
  end if;
  return new;
end;
$$;

revoke all on function private.keep_reference_item_kind() from public;

create trigger reference_items_kind
  before update of kind on public.reference_items
  for each row execute function private.keep_reference_item_kind();
