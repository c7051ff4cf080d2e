-- Outreach, part one: an organization's contact book and consent (the CPD seed's contacts/
-- module: Contact, "subscriber management").
--
--   contacts           people an organization may write to, with or without an account: name,
--                      email (unique per organization, stored lower case), phone, company, tags,
--                      custom fields and where they came from; profile_id links the account whose
--                      confirmed email matches, kept by the database both ways (a contact added
--                      for a confirmed account, an account confirming a contact's email)
--   contact_consents   the consent history, append-only: per contact and channel, given or
--                      withdrawn, when, how and by whom; contacts.consented_channels is kept from
--                      it by the database, and campaigns (a later migration) read only that
--
-- Only the organization's staff (and platform admins) see or write its contacts. Import and export
-- are CSV through import_contacts() and export_contacts_csv(): an import is validated row by row
-- and written whole or not at all, with rows of the same email merged.

create type public.contact_channel as enum ('email', 'sms', 'phone');
create type public.consent_method as enum ('form', 'import', 'staff', 'unsubscribe_link', 'api');

create table public.contacts (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid not null references public.organizations (id) on delete cascade,
  email text not null,
  full_name text,
  phone text,
  company text,
  tags text[] not null default '{}',
  custom_fields jsonb not null default '{}'::jsonb,
  source text not null default 'manual',
  profile_id uuid references public.profiles (id) on delete set null,
  consented_channels public.contact_channel[] not null default '{}',
  created_by uuid default auth.uid() references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint contacts_email_key unique (organization_id, email),
  constraint contacts_email check (
    email = pg_catalog.lower(email) and email ~ '^[^@\s,;"]+@[^@\s,;"]+\.[^@\s,;"]+$' and char_length(email) <= 320),
  constraint contacts_full_name check (char_length(full_name) <= 200),
  constraint contacts_phone check (char_length(phone) <= 40),
  constraint contacts_company check (char_length(company) <= 200),
  constraint contacts_tags check (cardinality(tags) <= 50 and array_position(tags, null) is null),
  constraint contacts_custom_fields check (jsonb_typeof(custom_fields) = 'object' and pg_column_size(custom_fields) <= 8192),
  constraint contacts_source check (source ~ '^[a-z][a-z0-9_]{0,39}$')
);

comment on table public.contacts is
  'An organization''s contact book (the seed''s Contact): people it may write to, with or without an account. Email unique per organization, lower case; profile_id links the account with that confirmed email and consented_channels follows contact_consents, both kept by the database. The organization''s staff and platform admins only.';
comment on column public.contacts.tags is 'Free labels (segments select by them); lower-cased, no duplicates.';
comment on column public.contacts.custom_fields is 'The organization''s own fields, an object of text values keyed like CSV headers (segments select by them).';
comment on column public.contacts.source is 'Where the contact came from: manual, import, form, event…';
comment on column public.contacts.profile_id is 'The account whose confirmed email is this contact''s email. Set by the database.';
comment on column public.contacts.consented_channels is 'The channels the latest consent per channel allows. Kept by the database from contact_consents.';

create index contacts_profile_id_idx on public.contacts (profile_id);
create index contacts_created_by_idx on public.contacts (created_by);
create index contacts_email_idx on public.contacts (email);
create index contacts_tags_idx on public.contacts using gin (tags);

create trigger contacts_updated_at
  before update on public.contacts
  for each row execute function extensions.moddatetime(updated_at);

create table public.contact_consents (
  id bigint generated always as identity primary key,
  contact_id uuid not null references public.contacts (id) on delete cascade,
  organization_id uuid not null references public.organizations (id) on delete cascade,
  channel public.contact_channel not null default 'email',
  granted boolean not null,
  method public.consent_method not null default 'staff',
  note text,
  recorded_by uuid default auth.uid() references public.profiles (id) on delete set null,
  recorded_at timestamptz not null default now(),
  constraint contact_consents_note check (char_length(note) <= 500)
);

comment on table public.contact_consents is
  'Consent history, append-only: per contact and channel, given or withdrawn, when (recorded_at), how (method) and by whom. The latest row per channel decides contacts.consented_channels. Staff add rows; nobody changes or deletes one.';
comment on column public.contact_consents.organization_id is 'The contact''s organization, set by the database (for policies).';

create index contact_consents_contact_id_idx on public.contact_consents (contact_id, channel, id);
create index contact_consents_organization_id_idx on public.contact_consents (organization_id);
create index contact_consents_recorded_by_idx on public.contact_consents (recorded_by);

-- ---------------------------------------------------------------------------------------------
-- Kept by the database
-- ---------------------------------------------------------------------------------------------

-- The account with this confirmed email, if any.
create function private.confirmed_profile_for_email(p_email text)
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select u.id
  from auth.users u
  join public.profiles p on p.id = u.id
  where pg_catalog.lower(u.email) = pg_catalog.lower(p_email) and u.email_confirmed_at is not null
  order by u.created_at
  limit 1
$$;

revoke all on function private.confirmed_profile_for_email(text) from public;

comment on function private.confirmed_profile_for_email(text) is
  'The profile whose auth user has this email confirmed, for contacts.profile_id. Run by contact triggers only.';

-- Email normalised, tags cleaned, profile linked; consented_channels and profile_id are the
-- database's (column privileges keep them from clients, this keeps them from a bulk update).
create function private.prepare_contact()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  new.email := pg_catalog.lower(pg_catalog.btrim(new.email));
  new.tags := array(select distinct pg_catalog.lower(pg_catalog.btrim(t)) from pg_catalog.unnest(new.tags) t where pg_catalog.btrim(t) <> '' order by 1);
  if tg_op = 'INSERT' then
    new.consented_channels := '{}';
  elsif new.organization_id is distinct from old.organization_id then
    raise exception using errcode = '22023', message = 'a contact cannot move to another organization';
  end if;
  if tg_op = 'INSERT' or new.email is distinct from old.email then
    new.profile_id := private.confirmed_profile_for_email(new.email);
  end if;
  return new;
end;
$$;

revoke all on function private.prepare_contact() from public;

comment on function private.prepare_contact() is
  'Trigger on contacts: lower-cases the email and tags, links the confirmed account, keeps the organization.';

create trigger contacts_prepare
  before insert or update on public.contacts
  for each row execute function private.prepare_contact();

-- An account confirming its email (or created confirmed) claims the contacts with that email.
create function private.link_contacts_to_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.email_confirmed_at is not null and new.email is not null then
    update public.contacts c set profile_id = new.id
    where c.email = pg_catalog.lower(new.email) and c.profile_id is distinct from new.id
      and exists (select 1 from public.profiles p where p.id = new.id);
  end if;
  return null;
end;
$$;

revoke all on function private.link_contacts_to_user() from public;

comment on function private.link_contacts_to_user() is
  'Trigger on auth.users: links contacts whose email the account has confirmed.';

-- Named to run after on_auth_user_created, which makes the profile.
create trigger on_auth_user_link_contacts
  after insert or update of email, email_confirmed_at on auth.users
  for each row execute function private.link_contacts_to_user();

create function private.prepare_contact_consent()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  select c.organization_id into new.organization_id from public.contacts c where c.id = new.contact_id;
  new.recorded_at := now();
  return new;
end;
$$;

revoke all on function private.prepare_contact_consent() from public;

comment on function private.prepare_contact_consent() is
  'Trigger on contact_consents: the contact''s organization and the time of recording come from the database.';

create trigger contact_consents_prepare
  before insert on public.contact_consents
  for each row execute function private.prepare_contact_consent();

create function private.apply_contact_consent()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.contacts c
  set consented_channels = case
    when new.granted then array(select distinct x from pg_catalog.unnest(c.consented_channels || new.channel) x order by 1)
    else pg_catalog.array_remove(c.consented_channels, new.channel) end
  where c.id = new.contact_id;
  return null;
end;
$$;

revoke all on function private.apply_contact_consent() from public;

comment on function private.apply_contact_consent() is
  'Trigger on contact_consents: the new row decides whether its channel is in contacts.consented_channels.';

create trigger contact_consents_apply
  after insert on public.contact_consents
  for each row execute function private.apply_contact_consent();

-- ---------------------------------------------------------------------------------------------
-- Row-level security
-- ---------------------------------------------------------------------------------------------

alter table public.contacts enable row level security;
alter table public.contact_consents enable row level security;

revoke all on public.contacts, public.contact_consents from anon, authenticated, service_role;
grant select, delete on public.contacts to authenticated;
grant insert (organization_id, email, full_name, phone, company, tags, custom_fields, source) on public.contacts to authenticated;
grant update (email, full_name, phone, company, tags, custom_fields, source) on public.contacts to authenticated;
grant select on public.contact_consents to authenticated;
grant insert (contact_id, channel, granted, method, note) on public.contact_consents to authenticated;
grant select, insert, update, delete on public.contacts to service_role;
grant select, insert on public.contact_consents to service_role;

create policy contacts_select on public.contacts for select to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));
create policy contacts_insert on public.contacts for insert to authenticated
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));
create policy contacts_update on public.contacts for update to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
  with check (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));
create policy contacts_delete on public.contacts for delete to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy contact_consents_select on public.contact_consents for select to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));
create policy contact_consents_insert on public.contact_consents for insert to authenticated
  with check (
    (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()))
    and recorded_by = (select auth.uid()));

-- ---------------------------------------------------------------------------------------------
-- CSV import and export
-- ---------------------------------------------------------------------------------------------

-- RFC 4180 CSV as records of fields (quoted fields may hold commas, quotes and line breaks; CRLF
-- or LF). Blank lines are skipped. Text the grammar does not cover (a quote inside an unquoted
-- field, an unclosed quote) raises 22023 naming the record.
create function private.parse_csv(p_csv text)
returns table (record_number integer, fields text[])
language plpgsql
immutable
set search_path = ''
as $$
begin
  -- Everything the pattern matches must add up to the whole text, else a quote stood where the
  -- grammar has none (the pattern also matches the empty text after the end: only the first end counts).
  if (select coalesce(pg_catalog.sum(char_length(m.parts[1]) + char_length(m.parts[2])), 0)
      from pg_catalog.regexp_matches(p_csv, '("(?:[^"]|"")*"|[^,\r\n"]*)(,|\r\n|\n|\r|$)', 'g') as m(parts))
     <> char_length(p_csv) then
    raise exception using errcode = '22023', message = 'the CSV is malformed',
      hint = 'quote a field that holds commas, quotes or line breaks, and double the quotes inside it';
  end if;
  return query
  with tokens as (
    select m.ord, m.parts[1] as field, m.parts[2] as delimiter,
      pg_catalog.count(*) filter (where m.parts[2] = '') over (order by m.ord) as ends
    from pg_catalog.regexp_matches(p_csv, '("(?:[^"]|"")*"|[^,\r\n"]*)(,|\r\n|\n|\r|$)', 'g')
      with ordinality as m(parts, ord)
  ),
  numbered as (
    select t.ord, t.field,
      1 + coalesce(pg_catalog.sum((t.delimiter in (E'\n', E'\r\n', E'\r'))::integer)
        over (order by t.ord rows between unbounded preceding and 1 preceding), 0)::integer as record
    from tokens t
    where t.ends = 0 or (t.ends = 1 and t.delimiter = '')
  )
  select r.record, r.fields
  from (
    select n.record, array_agg(
        case when n.field ~ '^"' then pg_catalog.replace(substr(n.field, 2, char_length(n.field) - 2), '""', '"') else n.field end
        order by n.ord) as fields
    from numbered n
    group by n.record
  ) r
  where not (cardinality(r.fields) = 1 and r.fields[1] = '')
  order by r.record;
end;
$$;

revoke all on function private.parse_csv(text) from public;

comment on function private.parse_csv(text) is
  'RFC 4180 CSV text as numbered records of fields, blank lines skipped; 22023 when the text is not CSV. Used by import_contacts().';

-- Staff of p_organization_id or a platform admin, else 404 (unknown organization) or 403.
create function private.require_contact_manager(p_organization_id uuid)
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
begin
  if p_organization_id is null or not exists (select 1 from public.organizations where id = p_organization_id) then
    raise exception using errcode = 'PT404', message = 'organization not found';
  end if;
  if not private.can_manage(p_organization_id, 'staff') then
    raise exception using errcode = '42501', message = 'only the organization''s staff manage its contacts';
  end if;
  return v_user_id;
end;
$$;

revoke all on function private.require_contact_manager(uuid) from public;

comment on function private.require_contact_manager(uuid) is
  'The caller, when staff of the organization or a platform admin; PT404 for an unknown organization, 42501 otherwise. For the outreach RPCs.';

-- Headers: email (required), full_name or name, phone, company, tags (separated by ; or |),
-- email_consent (yes/no, true/false, 1/0; empty leaves consent as it is), source; any other header
-- is a custom field. Every row is checked first; with any bad row nothing is written and the
-- error's details list the bad rows as JSON: [{"row": n, "errors": ["…"]}] (row 1 is the header).
-- Rows of one email (in the file, or already a contact) merge: non-empty values win, later rows
-- over earlier ones and the file over the book; tags and custom fields add up.
create function public.import_contacts(p_organization_id uuid, p_csv text, p_source text default 'import')
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_contact_manager(p_organization_id);
  v_header text[];
  v_errors jsonb;
  v_result jsonb;
begin
  if p_csv is null or pg_catalog.btrim(p_csv) = '' then
    raise exception using errcode = '22023', message = 'the CSV is empty';
  end if;
  if octet_length(p_csv) > 10 * 1024 * 1024 then
    raise exception using errcode = '22023', message = 'the CSV is larger than 10 MB', hint = 'split it into several imports';
  end if;
  if p_source is null or p_source !~ '^[a-z][a-z0-9_]{0,39}$' then
    raise exception using errcode = '22023', message = 'source must be a short lower-case word such as import';
  end if;

  -- Dropped first: a second import in one transaction starts afresh.
  drop table if exists pg_temp.contact_import, pg_temp.contact_rows;
  create temporary table contact_import (record_number integer, fields text[]) on commit drop;
  insert into pg_temp.contact_import select * from private.parse_csv(p_csv);

  select array(select pg_catalog.lower(pg_catalog.btrim(h)) from pg_catalog.unnest(c.fields) h)
  into v_header from pg_temp.contact_import c order by c.record_number limit 1;
  v_header := array(select case h when 'name' then 'full_name' else h end from pg_catalog.unnest(v_header) h);
  if not 'email' = any(v_header) then
    raise exception using errcode = '22023', message = 'the CSV has no email column',
      hint = 'the first line names the columns: email, full_name, phone, company, tags, email_consent and any custom fields';
  end if;
  if (select pg_catalog.count(*) <> pg_catalog.count(distinct h) from pg_catalog.unnest(v_header) h) then
    raise exception using errcode = '22023', message = 'the CSV names a column twice';
  end if;
  if exists (select 1 from pg_catalog.unnest(v_header) h where h !~ '^[a-z][a-z0-9_]{0,62}$') then
    raise exception using errcode = '22023', message = 'column names are lower-case words (letters, digits and _)',
      detail = (select pg_catalog.string_agg(h, ', ') from pg_catalog.unnest(v_header) h where h !~ '^[a-z][a-z0-9_]{0,62}$');
  end if;
  if (select pg_catalog.count(*) from pg_temp.contact_import) < 2 then
    raise exception using errcode = '22023', message = 'the CSV has no rows below its header';
  end if;
  if (select pg_catalog.count(*) from pg_temp.contact_import) > 50001 then
    raise exception using errcode = '22023', message = 'import at most 50,000 contacts at a time';
  end if;

  -- One row per record as named values.
  create temporary table contact_rows (record_number integer, field_count integer, v jsonb) on commit drop;
  insert into pg_temp.contact_rows
  select c.record_number, cardinality(c.fields),
    -- The quote export_contacts_csv() puts before a leading = + - @ (so that spreadsheets do
    -- not run it as a formula) comes off again.
    (select pg_catalog.jsonb_object_agg(v_header[i], pg_catalog.regexp_replace(pg_catalog.btrim(c.fields[i]), '^''([=+@-])', '\1'))
     from pg_catalog.generate_subscripts(c.fields, 1) i where i <= cardinality(v_header))
  from pg_temp.contact_import c
  where c.record_number > (select min(record_number) from pg_temp.contact_import);

  select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('row', e.record_number, 'errors', e.errors) order by e.record_number)
  into v_errors
  from (
    select r.record_number, pg_catalog.to_jsonb(array_remove(array[
      case when r.field_count <> cardinality(v_header)
        then pg_catalog.format('has %s fields, the header %s', r.field_count, cardinality(v_header)) end,
      case when coalesce(r.v ->> 'email', '') = '' then 'email is missing'
        when pg_catalog.lower(r.v ->> 'email') !~ '^[^@\s,;"]+@[^@\s,;"]+\.[^@\s,;"]+$' or char_length(r.v ->> 'email') > 320
        then pg_catalog.format('%s is not an email address', r.v ->> 'email') end,
      case when char_length(r.v ->> 'full_name') > 200 then 'full_name is longer than 200 characters' end,
      case when char_length(r.v ->> 'phone') > 40 then 'phone is longer than 40 characters' end,
      case when char_length(r.v ->> 'company') > 200 then 'company is longer than 200 characters' end,
      case when coalesce(pg_catalog.lower(r.v ->> 'email_consent'), '') not in ('', 'yes', 'no', 'y', 'n', 'true', 'false', '1', '0')
        then pg_catalog.format('email_consent is %s, not yes or no', r.v ->> 'email_consent') end,
      case when coalesce(r.v ->> 'source', '') <> '' and r.v ->> 'source' !~ '^[a-z][a-z0-9_]{0,39}$'
        then 'source must be a short lower-case word' end
    ], null)) as errors
    from pg_temp.contact_rows r
  ) e
  where pg_catalog.jsonb_array_length(e.errors) > 0;

  if v_errors is not null then
    raise exception using errcode = '22023',
      message = pg_catalog.format('%s rows of the CSV are not valid; nothing was imported', pg_catalog.jsonb_array_length(v_errors)),
      detail = (select pg_catalog.jsonb_agg(x)::text from (select x from pg_catalog.jsonb_array_elements(v_errors) x limit 100) y),
      hint = 'correct the rows listed in details (row 1 is the header) and import the file again';
  end if;

  with merged as (
    select pg_catalog.lower(r.v ->> 'email') as email,
      (array_agg(r.v ->> 'full_name' order by r.record_number desc) filter (where r.v ->> 'full_name' <> ''))[1] as full_name,
      (array_agg(r.v ->> 'phone' order by r.record_number desc) filter (where r.v ->> 'phone' <> ''))[1] as phone,
      (array_agg(r.v ->> 'company' order by r.record_number desc) filter (where r.v ->> 'company' <> ''))[1] as company,
      (array_agg(r.v ->> 'source' order by r.record_number desc) filter (where r.v ->> 'source' <> ''))[1] as source,
      pg_catalog.string_agg(r.v ->> 'tags', ';') as tags,
      coalesce(pg_catalog.jsonb_object_agg(f.key, f.value order by r.record_number)
        filter (where f.key is not null), '{}'::jsonb) as custom_fields,
      (array_agg(pg_catalog.lower(r.v ->> 'email_consent') in ('yes', 'y', 'true', '1') order by r.record_number desc)
        filter (where coalesce(r.v ->> 'email_consent', '') <> ''))[1] as email_consent
    from pg_temp.contact_rows r
    left join lateral (
      select e.key, e.value from pg_catalog.jsonb_each(r.v) e
      where e.key not in ('email', 'full_name', 'phone', 'company', 'tags', 'email_consent', 'source') and e.value <> '""'
    ) f on true
    group by pg_catalog.lower(r.v ->> 'email')
  ),
  written as (
    insert into public.contacts as c (organization_id, email, full_name, phone, company, tags, custom_fields, source, created_by)
    select p_organization_id, m.email, m.full_name, m.phone, m.company,
      coalesce(pg_catalog.regexp_split_to_array(m.tags, '\s*[;|]\s*'), '{}'), m.custom_fields, coalesce(m.source, p_source), v_user_id
    from merged m
    on conflict (organization_id, email) do update
    set full_name = coalesce(excluded.full_name, c.full_name),
      phone = coalesce(excluded.phone, c.phone),
      company = coalesce(excluded.company, c.company),
      tags = c.tags || excluded.tags,
      custom_fields = c.custom_fields || excluded.custom_fields
    returning c.id, c.email, c.consented_channels, (xmax = 0) as created
  ),
  consents as (
    insert into public.contact_consents (contact_id, channel, granted, method, note, recorded_by)
    select w.id, 'email', m.email_consent, 'import', 'CSV import (' || p_source || ')', v_user_id
    from written w join merged m on m.email = w.email
    where m.email_consent is not null and m.email_consent <> ('email' = any(w.consented_channels))
    returning contact_id
  )
  select pg_catalog.jsonb_build_object(
    'rows', (select pg_catalog.count(*) from pg_temp.contact_rows),
    'created', (select pg_catalog.count(*) from written where created),
    'merged', (select pg_catalog.count(*) from written where not created),
    'consents_recorded', (select pg_catalog.count(*) from consents))
  into v_result;
  return v_result;
end;
$$;

comment on function public.import_contacts(uuid, text, text) is
  'Staff: imports CSV into the organization''s contacts, whole or not at all (22023 with the bad rows as JSON in details); rows of one email merge. Returns {rows, created, merged, consents_recorded}.';

-- The contact book as CSV, in the import's format: importing the export changes nothing.
-- Fields are quoted by private.csv_field(), which defuses spreadsheet formulas.
create function public.export_contacts_csv(p_organization_id uuid)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_keys text[];
begin
  perform private.require_contact_manager(p_organization_id);
  v_keys := array(
    select distinct k from public.contacts c, pg_catalog.jsonb_object_keys(c.custom_fields) k
    where c.organization_id = p_organization_id order by 1);
  return pg_catalog.concat_ws(E'\n',
    pg_catalog.array_to_string(array['email', 'full_name', 'phone', 'company', 'tags', 'email_consent', 'source'] || v_keys, ','),
    (select pg_catalog.string_agg(
        pg_catalog.array_to_string(array[
          private.csv_field(c.email), private.csv_field(c.full_name), private.csv_field(c.phone),
          private.csv_field(c.company), private.csv_field(pg_catalog.array_to_string(c.tags, ';')),
          case when 'email' = any(c.consented_channels) then 'yes' else 'no' end, c.source]
          || array(select private.csv_field(c.custom_fields ->> k) from pg_catalog.unnest(v_keys) with ordinality u(k, n) order by n),
          ',', ''),
        E'\n' order by c.email)
     from public.contacts c where c.organization_id = p_organization_id)) || E'\n';
end;
$$;

comment on function public.export_contacts_csv(uuid) is
  'Staff: the organization''s contacts as CSV (email, full_name, phone, company, tags, email_consent, source, then custom fields), importable again.';

revoke all on function public.import_contacts(uuid, text, text) from public, anon;
revoke all on function public.export_contacts_csv(uuid) from public, anon;
grant execute on function public.import_contacts(uuid, text, text) to authenticated, service_role;
grant execute on function public.export_contacts_csv(uuid) to authenticated, service_role;
