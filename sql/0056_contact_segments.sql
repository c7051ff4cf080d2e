-- Outreach, part two: segments, saved audiences of an organization's contacts chosen by rules and
-- evaluated in the database (one query, compiled from the rules), previewed with a count before
-- anything is sent.
--
-- Rules are JSON:
--   {"tag": "vip"}                                   the contact has the tag
--   {"custom_field": "city", "equals": "Oslo"}       a custom field has the value
--   {"custom_field": "city", "present": true}        a custom field is set (or not)
--   {"source": "import"}                             where the contact came from
--   {"consented": "email"}                           consent on a channel now
--   {"registered_for": "<event id>"}                 the linked account holds a confirmed seat
--   {"attended": "<event id>"}                       the linked account was checked in
--   {"completed_course": "<course id>"}              the linked account completed the course
--   {"cpd_credits_at_least": 5, "since": "2026-01-01", "until": "2027-01-01"}
--                                                    CPD credits earned with this organization in
--                                                    [since, until) (either end optional)
--   {"membership_tier": "premium"}                   an active membership of that plan code
--   {"all": [rules]}  {"any": [rules]}  {"not": rule}
-- Events and courses must be the organization's own: its staff learn nothing about anyone else's.
-- Rules about events, courses, credits and memberships match contacts linked to an account.

create table public.contact_segments (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  name text not null,
  description text,
  rules jsonb not null,
  created_by uuid default auth.uid() references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint contact_segments_name check (char_length(btrim(name)) between 1 and 120),
  constraint contact_segments_description check (char_length(description) <= 1000),
  constraint contact_segments_rules_size check (pg_column_size(rules) <= 16384),
  constraint contact_segments_name_key unique (organization_id, name)
);

comment on table public.contact_segments is
  'A saved audience of an organization''s contacts, chosen by rules (JSON, see the 0042 migration and the README) that the database checks on write and evaluates in one query: preview_segment(), segment_contacts(), campaigns. The organization''s staff and platform admins.';
comment on column public.contact_segments.rules is 'The audience''s rules: tag, custom_field, source, consented, registered_for, attended, completed_course, cpd_credits_at_least, membership_tier, combined by all, any and not.';

create index contact_segments_created_by_idx on public.contact_segments (created_by);

create trigger contact_segments_updated_at
  before update on public.contact_segments
  for each row execute function extensions.moddatetime(updated_at);

-- ---------------------------------------------------------------------------------------------
-- Rules → one SQL condition on contacts c
-- ---------------------------------------------------------------------------------------------

-- A uuid from a rule, or 22023.
create function private.segment_rule_uuid(p_value jsonb, p_rule text)
returns uuid
language plpgsql
immutable
set search_path = ''
as $$
begin
  if jsonb_typeof(p_value) <> 'string' or (p_value #>> '{}') !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    raise exception using errcode = '22023', message = pg_catalog.format('%s takes an id', p_rule);
  end if;
  return (p_value #>> '{}')::uuid;
end;
$$;

revoke all on function private.segment_rule_uuid(jsonb, text) from public;

comment on function private.segment_rule_uuid(jsonb, text) is 'A segment rule''s id argument, or 22023. For private.segment_condition().';

-- The condition a rule stands for, on the contact alias c, with every value quoted by format's %L.
-- Raises 22023 for anything it does not know, and PT404 for an event or course that is not the
-- organization's.
create function private.segment_condition(p_organization_id uuid, p_rules jsonb, p_depth integer default 0)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_keys text[];
  v_id uuid;
  v_parts text[];
  v_rule jsonb;
begin
  if p_depth > 8 then
    raise exception using errcode = '22023', message = 'segment rules nest at most 8 deep';
  end if;
  if p_rules is null or jsonb_typeof(p_rules) <> 'object' then
    raise exception using errcode = '22023', message = 'a segment rule is a JSON object',
      hint = 'for example {"all": [{"tag": "vip"}, {"consented": "email"}]}';
  end if;
  v_keys := array(select k from pg_catalog.jsonb_object_keys(p_rules) k order by 1);

  if v_keys = array['all'] or v_keys = array['any'] then
    if jsonb_typeof(p_rules -> v_keys[1]) <> 'array' or pg_catalog.jsonb_array_length(p_rules -> v_keys[1]) = 0 then
      raise exception using errcode = '22023', message = pg_catalog.format('%s takes a non-empty list of rules', v_keys[1]);
    end if;
    for v_rule in select value from pg_catalog.jsonb_array_elements(p_rules -> v_keys[1]) loop
      v_parts := v_parts || private.segment_condition(p_organization_id, v_rule, p_depth + 1);
    end loop;
    return '(' || pg_catalog.array_to_string(v_parts, case v_keys[1] when 'all' then ' and ' else ' or ' end) || ')';
  elsif v_keys = array['not'] then
    return '(not ' || private.segment_condition(p_organization_id, p_rules -> 'not', p_depth + 1) || ')';
  elsif v_keys = array['tag'] then
    if jsonb_typeof(p_rules -> 'tag') <> 'string' then
      raise exception using errcode = '22023', message = 'tag takes a text';
    end if;
    return pg_catalog.format('(c.tags @> array[%L])', pg_catalog.lower(pg_catalog.btrim(p_rules ->> 'tag')));
  elsif v_keys = array['custom_field', 'equals'] and jsonb_typeof(p_rules -> 'custom_field') = 'string'
      and jsonb_typeof(p_rules -> 'equals') in ('string', 'number', 'boolean') then
    return pg_catalog.format('(c.custom_fields ->> %L = %L)', p_rules ->> 'custom_field', p_rules ->> 'equals');
  elsif v_keys = array['custom_field', 'present'] and jsonb_typeof(p_rules -> 'custom_field') = 'string'
      and jsonb_typeof(p_rules -> 'present') = 'boolean' then
    return pg_catalog.format('(%s(c.custom_fields ? %L))', case when (p_rules ->> 'present')::boolean then '' else 'not ' end, p_rules ->> 'custom_field');
  elsif v_keys = array['source'] and jsonb_typeof(p_rules -> 'source') = 'string' then
    return pg_catalog.format('(c.source = %L)', p_rules ->> 'source');
  elsif v_keys = array['consented'] then
    if coalesce(p_rules ->> 'consented', '') not in ('email', 'sms', 'phone') then
      raise exception using errcode = '22023', message = 'consented takes email, sms or phone';
    end if;
    return pg_catalog.format('(%L::public.contact_channel = any(c.consented_channels))', p_rules ->> 'consented');
  elsif v_keys = array['registered_for'] or v_keys = array['attended'] then
    v_id := private.segment_rule_uuid(p_rules -> v_keys[1], v_keys[1]);
    if not exists (select 1 from public.events e where e.id = v_id and e.organization_id = p_organization_id) then
      raise exception using errcode = 'PT404', message = pg_catalog.format('%s names an event the organization does not hold', v_keys[1]);
    end if;
    return pg_catalog.format(
      '(exists (select 1 from public.event_registrations r where r.user_id = c.profile_id and r.event_id = %L and %s))',
      v_id, case v_keys[1] when 'attended' then 'r.attended_at is not null' else 'r.status = ''confirmed''' end);
  elsif v_keys = array['completed_course'] then
    v_id := private.segment_rule_uuid(p_rules -> 'completed_course', 'completed_course');
    if not exists (select 1 from public.courses x where x.id = v_id and x.organization_id = p_organization_id) then
      raise exception using errcode = 'PT404', message = 'completed_course names a course the organization does not hold';
    end if;
    return pg_catalog.format(
      '(exists (select 1 from public.course_enrollments e where e.user_id = c.profile_id and e.course_id = %L and e.status = ''completed''))', v_id);
  elsif 'cpd_credits_at_least' = any(v_keys) and v_keys <@ array['cpd_credits_at_least', 'since', 'until'] then
    if jsonb_typeof(p_rules -> 'cpd_credits_at_least') <> 'number' or (p_rules ->> 'cpd_credits_at_least')::numeric <= 0
       or (p_rules ? 'since' and jsonb_typeof(p_rules -> 'since') <> 'string')
       or (p_rules ? 'until' and jsonb_typeof(p_rules -> 'until') <> 'string') then
      raise exception using errcode = '22023', message = 'cpd_credits_at_least takes a positive number, since and until dates';
    end if;
    return pg_catalog.format(
      '((select coalesce(sum(x.credits), 0) from public.cpd_credit_entries x where x.user_id = c.profile_id and x.organization_id = %L and x.earned_at >= %L and x.earned_at < %L) >= %L)',
      p_organization_id,
      coalesce((p_rules ->> 'since')::timestamptz, '-infinity'),
      coalesce((p_rules ->> 'until')::timestamptz, 'infinity'),
      (p_rules ->> 'cpd_credits_at_least')::numeric);
  elsif v_keys = array['membership_tier'] and jsonb_typeof(p_rules -> 'membership_tier') = 'string' then
    if not exists (select 1 from public.membership_plans p where p.code = p_rules ->> 'membership_tier') then
      raise exception using errcode = 'PT404', message = pg_catalog.format('there is no membership tier %s', p_rules ->> 'membership_tier');
    end if;
    return pg_catalog.format(
      '(exists (select 1 from public.memberships m join public.membership_plans p on p.id = m.plan_id where m.user_id = c.profile_id and m.status = ''active'' and p.code = %L))',
      p_rules ->> 'membership_tier');
  end if;
  raise exception using errcode = '22023', message = pg_catalog.format('unknown segment rule %s', p_rules::text),
    hint = 'rules: tag, custom_field with equals or present, source, consented, registered_for, attended, completed_course, cpd_credits_at_least (since, until), membership_tier, all, any, not';
end;
$$;

revoke all on function private.segment_condition(uuid, jsonb, integer) from public;

comment on function private.segment_condition(uuid, jsonb, integer) is
  'A segment''s rules as one SQL condition on contacts c (values quoted), checked: 22023 for a bad rule, PT404 for another organization''s event or course. For the outreach RPCs and the segments'' check.';

-- The ids of the organization's contacts the rules select, in one query.
create function private.segment_contact_ids(p_organization_id uuid, p_rules jsonb)
returns setof uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return query execute
    'select c.id from public.contacts c where c.organization_id = $1 and ' || private.segment_condition(p_organization_id, p_rules)
    using p_organization_id;
end;
$$;

revoke all on function private.segment_contact_ids(uuid, jsonb) from public;

comment on function private.segment_contact_ids(uuid, jsonb) is
  'The organization''s contacts the rules select, evaluated as one query. For the outreach RPCs.';

create function private.check_contact_segment()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.segment_condition(new.organization_id, new.rules);
  if tg_op = 'UPDATE' and new.organization_id is distinct from old.organization_id then
    raise exception using errcode = '22023', message = 'a segment cannot move to another organization';
  end if;
  return new;
end;
$$;

revoke all on function private.check_contact_segment() from public;

comment on function private.check_contact_segment() is 'Trigger on contact_segments: the rules must compile for the segment''s organization.';

create trigger contact_segments_check
  before insert or update on public.contact_segments
  for each row execute function private.check_contact_segment();

-- ---------------------------------------------------------------------------------------------
-- Row-level security
-- ---------------------------------------------------------------------------------------------

alter table public.contact_segments enable row level security;

revoke all on public.contact_segments from anon, authenticated, service_role;
grant select, delete on public.contact_segments to authenticated;
grant insert (organization_id, name, description, rules) on public.contact_segments to authenticated;
grant update (name, description, rules) on public.contact_segments to authenticated;
grant select, insert, update, delete on public.contact_segments to service_role;

create policy contact_segments_select on public.contact_segments for select to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));
create policy contact_segments_insert on public.contact_segments for insert to authenticated
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));
create policy contact_segments_update on public.contact_segments for update to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));
create policy contact_segments_delete on public.contact_segments for delete to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

-- ---------------------------------------------------------------------------------------------
-- RPCs
-- ---------------------------------------------------------------------------------------------

-- How many contacts rules select (saved or not), how many of them may be emailed, and a sample.
create function public.preview_segment(p_organization_id uuid, p_rules jsonb, p_sample integer default 10)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_result jsonb;
begin
  perform private.require_contact_manager(p_organization_id);
  if p_sample is null or p_sample not between 0 and 100 then
    raise exception using errcode = '22023', message = 'sample between 0 and 100 contacts';
  end if;
  -- Checked first: with no contacts the query below never looks at the rules.
  perform private.segment_condition(p_organization_id, p_rules);
  with chosen as (
    select c.id, c.email, c.full_name, 'email' = any(c.consented_channels) as emailable
    from public.contacts c
    where c.id in (select private.segment_contact_ids(p_organization_id, p_rules))
  )
  select pg_catalog.jsonb_build_object(
    'count', (select pg_catalog.count(*) from chosen),
    'email_consented', (select pg_catalog.count(*) from chosen where emailable),
    'sample', coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('id', s.id, 'email', s.email, 'full_name', s.full_name) order by s.email)
                        from (select * from chosen order by email limit p_sample) s), '[]'::jsonb))
  into v_result;
  return v_result;
end;
$$;

comment on function public.preview_segment(uuid, jsonb, integer) is
  'Staff: how many of the organization''s contacts the rules select (count), how many consented to email (email_consented, what a campaign would reach) and a sample by email. 22023 for bad rules.';

-- A saved segment's contacts now.
create function public.segment_contacts(p_segment_id uuid)
returns setof public.contacts
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_segment public.contact_segments;
begin
  perform private.require_active_user();
  select * into v_segment from public.contact_segments where id = p_segment_id;
  if not found or not private.can_manage(v_segment.organization_id, 'staff') then
    raise exception using errcode = 'PT404', message = 'segment not found';
  end if;
  return query
  select c.* from public.contacts c
  where c.id in (select private.segment_contact_ids(v_segment.organization_id, v_segment.rules))
  order by c.email;
end;
$$;

comment on function public.segment_contacts(uuid) is
  'Staff: the contacts a saved segment selects now, by email (PostgREST pages it with limit and offset).';

revoke all on function public.preview_segment(uuid, jsonb, integer) from public, anon;
revoke all on function public.segment_contacts(uuid) from public, anon;
grant execute on function public.preview_segment(uuid, jsonb, integer) to authenticated, service_role;
grant execute on function public.segment_contacts(uuid) to authenticated, service_role;
