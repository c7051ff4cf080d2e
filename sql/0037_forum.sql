-- The forum of the marketplace seed (its /api/forum/categories, threads, responses and experts):
-- moderators, categories, threads with an optional car context, responses, accepted answers,
-- verified experts with their helpfulness metrics, helpful votes and thread follows. Counters are
-- kept by the database; privileged columns (status, pins, counters, the expert mark, the AI flag)
-- are out of the API roles' column grants and change only through the RPCs below or triggers.
--
-- Every table has a `moderation_state` the moderation queue (0038) sets: hidden and removed rows
-- are visible to their author and moderators only.

-- ---------------------------------------------------------------------------------------------
-- Moderators
-- ---------------------------------------------------------------------------------------------

create table public.forum_moderators (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  granted_by uuid default auth.uid() references public.profiles (id) on delete set null,
  granted_at timestamptz not null default now()
);

comment on table public.forum_moderators is
  'Community moderators, granted and revoked by platform admins (who moderate too without a row here). Moderators manage forum categories, pin, feature and close threads, decide expert applications, work the moderation queue and suspend members who are neither moderators nor platform admins.';
comment on column public.forum_moderators.granted_by is 'The platform admin who granted the role (the caller).';

create index forum_moderators_granted_by_idx on public.forum_moderators (granted_by);

-- True for platform admins and moderators.
create function private.is_moderator()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select private.is_platform_admin()
    or exists (select 1 from public.forum_moderators where user_id = (select auth.uid()))
$$;

revoke all on function private.is_moderator() from public;
grant execute on function private.is_moderator() to anon, authenticated, service_role;
comment on function private.is_moderator() is
  'True when the caller is a platform admin or a forum moderator. Granted to anon and authenticated because RLS policies call it.';

-- The caller's id when they are an active moderator (or platform admin); 42501 otherwise.
create function private.require_moderator()
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
begin
  if not private.is_moderator() then
    raise exception using errcode = '42501', message = 'only moderators can do this',
      hint = 'moderators are platform admins and the members they appoint';
  end if;
  return v_user_id;
end;
$$;

revoke all on function private.require_moderator() from public;
comment on function private.require_moderator() is
  'The caller''s id when signed in, not suspended and a moderator or platform admin; raises 42501 otherwise. For the forum''s security definer RPCs.';

alter table public.forum_moderators enable row level security;
revoke all on public.forum_moderators from anon, authenticated;
grant select, delete on public.forum_moderators to authenticated;
grant insert (user_id) on public.forum_moderators to authenticated;
grant all on public.forum_moderators to service_role;

create policy "forum_moderators: signed-in users read"
  on public.forum_moderators for select to authenticated using (true);
create policy "forum_moderators: platform admin grants"
  on public.forum_moderators for insert to authenticated
  with check ((select private.is_platform_admin()));
create policy "forum_moderators: platform admin revokes"
  on public.forum_moderators for delete to authenticated
  using ((select private.is_platform_admin()));

-- ---------------------------------------------------------------------------------------------
-- Categories
-- ---------------------------------------------------------------------------------------------

create type public.forum_moderation_state as enum ('visible', 'hidden', 'removed');
comment on type public.forum_moderation_state is
  'visible; hidden (enough weighted flags: pending a moderator''s review); removed (by a moderator, with a reason).';

create table public.forum_categories (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  slug text not null unique,
  description text,
  icon text,
  sort_order integer not null default 0,
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint forum_categories_name_length check (char_length(btrim(name)) between 1 and 80),
  constraint forum_categories_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 60),
  constraint forum_categories_description_length check (char_length(description) <= 1000),
  constraint forum_categories_icon_length check (char_length(icon) <= 200)
);

comment on table public.forum_categories is
  'Forum categories (/api/forum/categories). Everyone reads the active ones; moderators and platform admins manage them and also see inactive ones.';
comment on column public.forum_categories.slug is
  'URL name; also an expertise area: a verified expert whose areas include it answers as an expert in this category.';
comment on column public.forum_categories.icon is 'An icon name or image URL, for the app.';
comment on column public.forum_categories.sort_order is 'Ascending display order.';
comment on column public.forum_categories.is_active is 'Inactive categories are hidden from members and take no new threads.';

create index forum_categories_sort_idx on public.forum_categories (sort_order, name);
create index forum_categories_active_idx on public.forum_categories (sort_order) where is_active;

create trigger forum_categories_updated_at
  before update on public.forum_categories
  for each row execute function extensions.moddatetime(updated_at);

alter table public.forum_categories enable row level security;
revoke all on public.forum_categories from anon, authenticated;
grant select on public.forum_categories to anon, authenticated;
grant insert, update, delete on public.forum_categories to authenticated;
grant all on public.forum_categories to service_role;

create policy "forum_categories: anon reads active"
  on public.forum_categories for select to anon using (is_active);
create policy "forum_categories: signed-in users read active, moderators all"
  on public.forum_categories for select to authenticated
  using (is_active or (select private.is_moderator()));
create policy "forum_categories: moderators create"
  on public.forum_categories for insert to authenticated
  with check ((select private.is_moderator()));
create policy "forum_categories: moderators change"
  on public.forum_categories for update to authenticated
  using ((select private.is_moderator())) with check ((select private.is_moderator()));
create policy "forum_categories: moderators delete"
  on public.forum_categories for delete to authenticated
  using ((select private.is_moderator()));

-- ---------------------------------------------------------------------------------------------
-- Threads
-- ---------------------------------------------------------------------------------------------

create type public.forum_thread_status as enum ('open', 'resolved', 'closed');
comment on type public.forum_thread_status is
  'open → resolved (an accepted answer, or the author) → closed (moderators). The author may reopen a resolved thread; only moderators close and reopen closed ones.';

create table public.forum_threads (
  id uuid primary key default gen_random_uuid(),
  category_id uuid not null references public.forum_categories (id) on delete restrict,
  author_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  title text not null,
  body text not null,
  car_make text,
  car_model text,
  car_year integer,
  status public.forum_thread_status not null default 'open',
  is_pinned boolean not null default false,
  is_featured boolean not null default false,
  view_count bigint not null default 0,
  response_count integer not null default 0,
  accepted_count integer not null default 0,
  last_activity_at timestamptz not null default now(),
  moderation_state public.forum_moderation_state not null default 'visible',
  search tsvector generated always as (
    setweight(to_tsvector('english', coalesce(title, '')), 'A')
    || setweight(to_tsvector('english', coalesce(car_make, '') || ' ' || coalesce(car_model, '')), 'B')
    || setweight(to_tsvector('english', coalesce(body, '')), 'C')
  ) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  edited_at timestamptz,
  resolved_at timestamptz,
  closed_at timestamptz,
  constraint forum_threads_title_length check (char_length(btrim(title)) between 3 and 200),
  constraint forum_threads_body_length check (char_length(btrim(body)) between 1 and 20000),
  constraint forum_threads_car_make_length check (char_length(car_make) between 1 and 60),
  constraint forum_threads_car_model_length check (char_length(car_model) between 1 and 60),
  constraint forum_threads_car_model_needs_make check (car_model is null or car_make is not null),
  constraint forum_threads_car_year check (car_year between 1886 and 2100),
  constraint forum_threads_counters check (view_count >= 0 and response_count >= 0 and accepted_count between 0 and response_count)
);

comment on table public.forum_threads is
  'Forum threads (/api/forum/threads). Everyone reads visible threads; members who are not suspended start them; the author edits title, body, category and car context; status, pins, features and counters change only through RPCs and triggers.';
comment on column public.forum_threads.car_make is 'Optional car context: make (also an expertise area), model and year.';
comment on column public.forum_threads.view_count is
  'Approximate: exact for the first 100 views, then sampled (record_thread_view writes one view in ten, counted as ten), so a page view rarely writes.';
comment on column public.forum_threads.response_count is 'Responses, kept by the database (hidden ones included until removed).';
comment on column public.forum_threads.accepted_count is 'Accepted responses, kept by the database.';
comment on column public.forum_threads.last_activity_at is 'The thread''s creation or its latest response, kept by the database.';
comment on column public.forum_threads.search is 'Full-text search: title (weight A), car make and model (B), body (C); query with textSearch(''search'', …, { type: ''websearch'' }).';
comment on column public.forum_threads.edited_at is 'When the author last changed the title or body.';
comment on column public.forum_threads.moderation_state is 'Set by the moderation queue (0038): hidden and removed threads are seen by their author and moderators only.';

create index forum_threads_category_activity_idx on public.forum_threads (category_id, is_pinned desc, last_activity_at desc);
create index forum_threads_activity_idx on public.forum_threads (last_activity_at desc);
create index forum_threads_author_status_idx on public.forum_threads (author_id, status);
create index forum_threads_status_idx on public.forum_threads (status, last_activity_at desc);
create index forum_threads_car_idx on public.forum_threads (car_make, car_model, car_year);
create index forum_threads_featured_idx on public.forum_threads (last_activity_at desc) where is_featured;
create index forum_threads_search_idx on public.forum_threads using gin (search);
-- The few hidden and removed threads, for the policies' and moderators' look-ups.
create index forum_threads_moderation_idx on public.forum_threads (moderation_state) where moderation_state <> 'visible';

-- Title, body and car context as the author wrote them; edited_at and updated_at by the database.
create function private.forum_thread_edited()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  if new.title is distinct from old.title or new.body is distinct from old.body then
    new.edited_at := now();
  end if;
  return new;
end;
$$;

revoke all on function private.forum_thread_edited() from public;
comment on function private.forum_thread_edited() is 'BEFORE UPDATE trigger of forum_threads: updated_at, and edited_at when the title or body changes.';

create trigger forum_threads_edited
  before update on public.forum_threads
  for each row execute function private.forum_thread_edited();

-- What a member writes, checked with messages an app can show (the constraints stay as the
-- backstop), and new threads go into active categories only (409 rather than an RLS refusal).
create function private.forum_thread_check()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.title is null or pg_catalog.char_length(pg_catalog.btrim(new.title)) not between 3 and 200 then
    raise exception using errcode = '22023', message = 'a thread title needs 3 to 200 characters';
  end if;
  if new.body is null or pg_catalog.btrim(new.body) = '' then
    raise exception using errcode = '22023', message = 'a thread needs some text';
  end if;
  if pg_catalog.char_length(pg_catalog.btrim(new.body)) > 20000 then
    raise exception using errcode = '22023', message = 'a thread can be at most 20,000 characters';
  end if;
  if new.car_year is not null and new.car_year not between 1886 and 2100 then
    raise exception using errcode = '22023', message = 'the car''s year must be between 1886 and 2100';
  end if;
  if new.car_model is not null and new.car_make is null then
    raise exception using errcode = '22023', message = 'give the car''s make with its model';
  end if;
  if (tg_op = 'INSERT' or new.category_id is distinct from old.category_id)
    and not private.is_system_caller()
    and not exists (select 1 from public.forum_categories where id = new.category_id and is_active) then
    raise exception using errcode = 'PT409', message = 'this category does not take new threads',
      hint = 'choose an active category';
  end if;
  return new;
end;
$$;

revoke all on function private.forum_thread_check() from public;
comment on function private.forum_thread_check() is
  'BEFORE INSERT OR UPDATE trigger of forum_threads: title, body and car context in words an app can show (400), and a thread moves only into an active category (409).';

create trigger forum_threads_check
  before insert or update of category_id, title, body, car_make, car_model, car_year on public.forum_threads
  for each row execute function private.forum_thread_check();

alter table public.forum_threads enable row level security;
revoke all on public.forum_threads from anon, authenticated;
grant select on public.forum_threads to anon, authenticated;
grant insert (category_id, title, body, car_make, car_model, car_year) on public.forum_threads to authenticated;
grant update (category_id, title, body, car_make, car_model, car_year) on public.forum_threads to authenticated;
grant delete on public.forum_threads to authenticated;
grant all on public.forum_threads to service_role;

create policy "forum_threads: anon reads visible"
  on public.forum_threads for select to anon using (moderation_state = 'visible');
create policy "forum_threads: signed-in users read visible, their own and (moderators) all"
  on public.forum_threads for select to authenticated
  using (moderation_state = 'visible' or author_id = (select auth.uid()) or (select private.is_moderator()));
create policy "forum_threads: active members start"
  on public.forum_threads for insert to authenticated
  with check (author_id = (select auth.uid()) and (select private.is_active_user()));
create policy "forum_threads: the active author or a moderator edits"
  on public.forum_threads for update to authenticated
  using ((author_id = (select auth.uid()) and (select private.is_active_user())) or (select private.is_moderator()))
  with check ((author_id = (select auth.uid()) and (select private.is_active_user())) or (select private.is_moderator()));
create policy "forum_threads: the active author or a moderator deletes"
  on public.forum_threads for delete to authenticated
  using ((author_id = (select auth.uid()) and (select private.is_active_user())) or (select private.is_moderator()));

-- ---------------------------------------------------------------------------------------------
-- Experts
-- ---------------------------------------------------------------------------------------------

create type public.expert_verification_status as enum ('pending', 'approved', 'rejected');
comment on type public.expert_verification_status is 'An expert application: pending, approved (the person is in forum_experts) or rejected (with a reason; they may apply again).';

create table public.expert_verifications (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null unique references public.profiles (id) on delete cascade,
  expertise_areas text[] not null,
  years_of_experience integer not null,
  statement text,
  document_paths text[] not null default '{}',
  status public.expert_verification_status not null default 'pending',
  decided_by uuid references public.profiles (id) on delete set null,
  decided_at timestamptz,
  decision_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint expert_verifications_areas check (cardinality(expertise_areas) between 1 and 10),
  constraint expert_verifications_years check (years_of_experience between 0 and 80),
  constraint expert_verifications_statement_length check (char_length(statement) <= 4000),
  constraint expert_verifications_documents check (cardinality(document_paths) <= 10),
  constraint expert_verifications_rejection_reason check (status <> 'rejected' or decision_reason is not null)
);

comment on table public.expert_verifications is
  'Expert applications (/api/forum/experts, the applicant''s side): one per person, made and renewed with apply_for_expert_verification, decided by moderators with decide_expert_verification. The applicant and moderators read it.';
comment on column public.expert_verifications.expertise_areas is
  'Lower-case areas: forum category slugs and car makes (an expert answers as one in threads of that category or about that make).';
comment on column public.expert_verifications.document_paths is
  'Supporting documents in the private expert-documents bucket, at <applicant id>/<file>.';
comment on column public.expert_verifications.decision_reason is 'Why it was decided so, shown to the applicant; required for a rejection.';

create index expert_verifications_status_idx on public.expert_verifications (status, created_at);
create index expert_verifications_decided_by_idx on public.expert_verifications (decided_by);

create trigger expert_verifications_updated_at
  before update on public.expert_verifications
  for each row execute function extensions.moddatetime(updated_at);

alter table public.expert_verifications enable row level security;
revoke all on public.expert_verifications from anon, authenticated;
grant select on public.expert_verifications to authenticated;
grant all on public.expert_verifications to service_role;

create policy "expert_verifications: the applicant or a moderator reads"
  on public.expert_verifications for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_moderator()));

create table public.forum_experts (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  verification_id uuid not null unique references public.expert_verifications (id) on delete cascade,
  expertise_areas text[] not null,
  years_of_experience integer not null,
  helpful_votes_received integer not null default 0,
  accepted_answers integer not null default 0,
  verified_at timestamptz not null default now(),
  constraint forum_experts_metrics check (helpful_votes_received >= 0 and accepted_answers >= 0)
);

comment on table public.forum_experts is
  'Verified experts, public (/api/forum/experts): written by decide_expert_verification; the helpfulness metrics are kept by the database.';
comment on column public.forum_experts.helpful_votes_received is 'Helpful votes on the expert''s responses, kept by the database.';
comment on column public.forum_experts.accepted_answers is 'The expert''s accepted responses, kept by the database.';

create index forum_experts_areas_idx on public.forum_experts using gin (expertise_areas);

alter table public.forum_experts enable row level security;
revoke all on public.forum_experts from anon, authenticated;
grant select on public.forum_experts to anon, authenticated;
grant all on public.forum_experts to service_role;

create policy "forum_experts: anon reads"
  on public.forum_experts for select to anon using (true);
create policy "forum_experts: signed-in users read"
  on public.forum_experts for select to authenticated using (true);

-- True when p_user_id is a verified expert in a thread's area: its category or its car make.
create function private.is_forum_expert_for(p_user_id uuid, p_thread_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.forum_threads t
    join public.forum_categories c on c.id = t.category_id
    join public.forum_experts e on e.user_id = p_user_id
    where t.id = p_thread_id
      and (c.slug = any (e.expertise_areas) or pg_catalog.lower(t.car_make) = any (e.expertise_areas))
  )
$$;

revoke all on function private.is_forum_expert_for(uuid, uuid) from public;
comment on function private.is_forum_expert_for(uuid, uuid) is
  'True when the person is a verified expert whose areas include the thread''s category slug or car make (lower case). Sets forum_responses.is_expert.';

-- ---------------------------------------------------------------------------------------------
-- Responses
-- ---------------------------------------------------------------------------------------------

create table public.forum_responses (
  id uuid primary key default gen_random_uuid(),
  thread_id uuid not null references public.forum_threads (id) on delete cascade,
  author_id uuid default auth.uid() references public.profiles (id) on delete cascade,
  body text not null,
  is_expert boolean not null default false,
  ai_generated boolean not null default false,
  is_accepted boolean not null default false,
  accepted_at timestamptz,
  accepted_by uuid references public.profiles (id) on delete set null,
  helpful_count integer not null default 0,
  unhelpful_count integer not null default 0,
  moderation_state public.forum_moderation_state not null default 'visible',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  edited_at timestamptz,
  constraint forum_responses_body_length check (char_length(btrim(body)) between 1 and 20000),
  constraint forum_responses_author check (author_id is not null or ai_generated),
  constraint forum_responses_accepted check (is_accepted = (accepted_at is not null)),
  constraint forum_responses_counters check (helpful_count >= 0 and unhelpful_count >= 0)
);

comment on table public.forum_responses is
  'Responses to threads (/api/forum/responses). Members who are not suspended respond to threads that are not closed; the author edits the body (edited_at). The expert mark, the AI flag, acceptance and vote counts are set by the database. List a thread''s answers best first with order(is_accepted desc, is_expert desc, helpful_count desc, created_at).';
comment on column public.forum_responses.author_id is 'The member who wrote it; null only for an AI answer.';
comment on column public.forum_responses.is_expert is 'Set by the database at insert: the author is a verified expert in the thread''s category or car make. Never written by a client.';
comment on column public.forum_responses.ai_generated is 'An AI answer: only the service role inserts these.';
comment on column public.forum_responses.is_accepted is 'Accepted by the thread''s author or a moderator (accept_response).';
comment on column public.forum_responses.helpful_count is 'Helpful votes, kept exact by the database.';
comment on column public.forum_responses.unhelpful_count is 'Unhelpful votes, kept exact by the database.';
comment on column public.forum_responses.edited_at is 'When the author last changed the body.';
comment on column public.forum_responses.moderation_state is 'Set by the moderation queue (0038): hidden and removed responses are seen by their author and moderators only.';

create index forum_responses_thread_order_idx on public.forum_responses (thread_id, is_accepted desc, is_expert desc, helpful_count desc, created_at);
create index forum_responses_author_idx on public.forum_responses (author_id, created_at desc);
create index forum_responses_accepted_by_idx on public.forum_responses (accepted_by);
create index forum_responses_moderation_idx on public.forum_responses (moderation_state) where moderation_state <> 'visible';

-- Before a response is written: the thread takes responses, the body is sensible, and the expert
-- mark comes from forum_experts whoever inserts.
create function private.forum_response_before_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_thread public.forum_threads;
begin
  select * into v_thread from public.forum_threads where id = new.thread_id;
  if not found or (v_thread.moderation_state <> 'visible' and not private.is_system_caller() and not private.is_moderator()) then
    raise exception using errcode = 'PT404', message = 'thread not found';
  end if;
  if v_thread.status = 'closed' then
    raise exception using errcode = 'PT409', message = 'this thread is closed',
      hint = 'closed threads take no new responses';
  end if;
  if new.body is null or pg_catalog.btrim(new.body) = '' then
    raise exception using errcode = '22023', message = 'a response needs some text';
  end if;
  if pg_catalog.char_length(pg_catalog.btrim(new.body)) > 20000 then
    raise exception using errcode = '22023', message = 'a response can be at most 20,000 characters',
      hint = 'shorten it or split it into several responses';
  end if;
  new.is_expert := new.author_id is not null and private.is_forum_expert_for(new.author_id, new.thread_id);
  new.created_at := now();
  new.updated_at := now();
  return new;
end;
$$;

revoke all on function private.forum_response_before_insert() from public;
comment on function private.forum_response_before_insert() is
  'BEFORE INSERT trigger of forum_responses: the thread exists and is not closed (409), the body is 1 to 20,000 characters (400), and is_expert is set from forum_experts.';

create trigger forum_responses_before_insert
  before insert on public.forum_responses
  for each row execute function private.forum_response_before_insert();

create function private.forum_response_edited()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.body is distinct from old.body then
    if pg_catalog.btrim(new.body) = '' or pg_catalog.char_length(pg_catalog.btrim(new.body)) > 20000 then
      raise exception using errcode = '22023', message = 'a response needs 1 to 20,000 characters of text';
    end if;
    new.edited_at := now();
    new.updated_at := now();
  end if;
  return new;
end;
$$;

revoke all on function private.forum_response_edited() from public;
comment on function private.forum_response_edited() is 'BEFORE UPDATE trigger of forum_responses: an edited body is checked (400) and stamped with edited_at.';

create trigger forum_responses_edited
  before update of body on public.forum_responses
  for each row execute function private.forum_response_edited();

-- After a response: the thread's counters and activity, the responder follows the thread, and
-- the followers hear of it (the thread's author as expert_response when the responder is one).
create function private.forum_response_after_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_thread public.forum_threads;
  v_author_name text;
  v_data jsonb;
  v_followers uuid[];
begin
  update public.forum_threads
  set response_count = response_count + 1, last_activity_at = new.created_at
  where id = new.thread_id
  returning * into v_thread;

  if new.author_id is not null then
    insert into public.forum_thread_follows (thread_id, user_id)
    values (new.thread_id, new.author_id)
    on conflict do nothing;
  end if;

  select display_name into v_author_name from public.profiles where id = new.author_id;
  v_data := pg_catalog.jsonb_build_object(
    'thread_id', v_thread.id, 'thread_title', v_thread.title, 'response_id', new.id,
    'responder', coalesce(v_author_name, 'AI assistant'), 'is_expert', new.is_expert);

  if new.is_expert and v_thread.author_id is distinct from new.author_id then
    perform private.notify(
      'expert_response', array[v_thread.author_id],
      pg_catalog.left('An expert answered: ' || v_thread.title, 200),
      pg_catalog.left(new.body, 280), v_data, 'forum_thread', v_thread.id, '/forum/threads/' || v_thread.id);
  end if;

  select pg_catalog.array_agg(f.user_id) into v_followers
  from public.forum_thread_follows f
  where f.thread_id = new.thread_id
    and f.user_id is distinct from new.author_id
    and not (new.is_expert and f.user_id = v_thread.author_id);
  if v_followers is not null then
    perform private.notify(
      'forum_reply', v_followers,
      pg_catalog.left(coalesce(v_author_name, 'The AI assistant') || ' replied to ' || v_thread.title, 200),
      pg_catalog.left(new.body, 280), v_data, 'forum_thread', v_thread.id, '/forum/threads/' || v_thread.id);
  end if;
  return null;
end;
$$;

revoke all on function private.forum_response_after_insert() from public;
comment on function private.forum_response_after_insert() is
  'AFTER INSERT trigger of forum_responses: response_count and last_activity_at of the thread, the responder follows it, forum_reply to followers and expert_response to the thread''s author.';

-- After a response is deleted: the counters it was part of.
create function private.forum_response_after_delete()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.forum_threads
  set response_count = response_count - 1,
    accepted_count = accepted_count - (case when old.is_accepted then 1 else 0 end)
  where id = old.thread_id;
  update public.forum_experts
  set helpful_votes_received = helpful_votes_received - old.helpful_count,
    accepted_answers = accepted_answers - (case when old.is_accepted then 1 else 0 end)
  where user_id = old.author_id;
  return null;
end;
$$;

revoke all on function private.forum_response_after_delete() from public;
comment on function private.forum_response_after_delete() is
  'AFTER DELETE trigger of forum_responses: the thread''s response and accepted counts and the author''s expert metrics.';

alter table public.forum_responses enable row level security;
revoke all on public.forum_responses from anon, authenticated;
grant select on public.forum_responses to anon, authenticated;
grant insert (thread_id, body) on public.forum_responses to authenticated;
grant update (body) on public.forum_responses to authenticated;
grant delete on public.forum_responses to authenticated;
grant all on public.forum_responses to service_role;

create policy "forum_responses: anon reads visible"
  on public.forum_responses for select to anon
  using (moderation_state = 'visible' and exists (select 1 from public.forum_threads t where t.id = thread_id));
create policy "forum_responses: signed-in users read visible, their own and (moderators) all"
  on public.forum_responses for select to authenticated
  using (
    (moderation_state = 'visible' and exists (select 1 from public.forum_threads t where t.id = thread_id))
    or author_id = (select auth.uid())
    or (select private.is_moderator())
  );
create policy "forum_responses: active members respond"
  on public.forum_responses for insert to authenticated
  with check (author_id = (select auth.uid()) and (select private.is_active_user()));
create policy "forum_responses: the active author edits"
  on public.forum_responses for update to authenticated
  using (author_id = (select auth.uid()) and (select private.is_active_user()))
  with check (author_id = (select auth.uid()) and (select private.is_active_user()));
create policy "forum_responses: the active author or a moderator deletes"
  on public.forum_responses for delete to authenticated
  using ((author_id = (select auth.uid()) and (select private.is_active_user())) or (select private.is_moderator()));

-- ---------------------------------------------------------------------------------------------
-- Follows
-- ---------------------------------------------------------------------------------------------

create table public.forum_thread_follows (
  thread_id uuid not null references public.forum_threads (id) on delete cascade,
  user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (thread_id, user_id)
);

comment on table public.forum_thread_follows is
  'Who follows a thread (forum_reply notifications). The author and every responder follow automatically; members follow and unfollow with insert and delete. Each member sees their own.';

create index forum_thread_follows_user_idx on public.forum_thread_follows (user_id, created_at desc);

alter table public.forum_thread_follows enable row level security;
revoke all on public.forum_thread_follows from anon, authenticated;
grant select, delete on public.forum_thread_follows to authenticated;
grant insert (thread_id) on public.forum_thread_follows to authenticated;
grant all on public.forum_thread_follows to service_role;

create policy "forum_thread_follows: the member reads their own"
  on public.forum_thread_follows for select to authenticated using (user_id = (select auth.uid()));
create policy "forum_thread_follows: a member follows a thread they see"
  on public.forum_thread_follows for insert to authenticated
  with check (user_id = (select auth.uid()) and exists (select 1 from public.forum_threads t where t.id = thread_id));
create policy "forum_thread_follows: the member unfollows"
  on public.forum_thread_follows for delete to authenticated using (user_id = (select auth.uid()));

create trigger forum_responses_after_insert
  after insert on public.forum_responses
  for each row execute function private.forum_response_after_insert();
create trigger forum_responses_after_delete
  after delete on public.forum_responses
  for each row execute function private.forum_response_after_delete();

-- The author follows their own thread.
create function private.forum_thread_author_follows()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.forum_thread_follows (thread_id, user_id) values (new.id, new.author_id)
  on conflict do nothing;
  return null;
end;
$$;

revoke all on function private.forum_thread_author_follows() from public;
comment on function private.forum_thread_author_follows() is 'AFTER INSERT trigger of forum_threads: the author follows the thread.';

create trigger forum_threads_author_follows
  after insert on public.forum_threads
  for each row execute function private.forum_thread_author_follows();

-- ---------------------------------------------------------------------------------------------
-- Votes
-- ---------------------------------------------------------------------------------------------

create table public.forum_response_votes (
  response_id uuid not null references public.forum_responses (id) on delete cascade,
  user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  is_helpful boolean not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (response_id, user_id)
);

comment on table public.forum_response_votes is
  'Helpful or unhelpful votes on responses: one per member and response (change it with an update of is_helpful, withdraw it with a delete), never on one''s own. The counts on forum_responses and forum_experts follow.';

create index forum_response_votes_user_idx on public.forum_response_votes (user_id);

create trigger forum_response_votes_updated_at
  before update on public.forum_response_votes
  for each row execute function extensions.moddatetime(updated_at);

-- A vote on a visible response that is not the voter's, once.
create function private.forum_vote_before_insert()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_response public.forum_responses;
begin
  select * into v_response from public.forum_responses where id = new.response_id;
  if not found or (v_response.moderation_state <> 'visible' and not private.is_system_caller()) then
    raise exception using errcode = 'PT404', message = 'response not found';
  end if;
  if v_response.author_id = new.user_id then
    raise exception using errcode = '42501', message = 'you cannot vote on your own response';
  end if;
  if exists (select 1 from public.forum_response_votes where response_id = new.response_id and user_id = new.user_id) then
    raise exception using errcode = 'PT409', message = 'you already voted on this response',
      hint = 'change your vote by updating is_helpful, or withdraw it by deleting it';
  end if;
  return new;
end;
$$;

revoke all on function private.forum_vote_before_insert() from public;
comment on function private.forum_vote_before_insert() is
  'BEFORE INSERT trigger of forum_response_votes: the response exists and is visible (404), is not the voter''s (403), and has no vote of theirs yet (409; the primary key settles a race).';

create trigger forum_response_votes_before_insert
  before insert on public.forum_response_votes
  for each row execute function private.forum_vote_before_insert();

-- Counts follow every vote change. The UPDATE of one forum_responses row serialises concurrent
-- votes on a response, so the counts stay exact.
create function private.forum_vote_counts()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_helpful integer := 0;
  v_unhelpful integer := 0;
  v_response_id uuid := coalesce(new.response_id, old.response_id);
  v_author_id uuid;
begin
  if tg_op in ('INSERT', 'UPDATE') then
    v_helpful := v_helpful + (case when new.is_helpful then 1 else 0 end);
    v_unhelpful := v_unhelpful + (case when new.is_helpful then 0 else 1 end);
  end if;
  if tg_op in ('DELETE', 'UPDATE') then
    v_helpful := v_helpful - (case when old.is_helpful then 1 else 0 end);
    v_unhelpful := v_unhelpful - (case when old.is_helpful then 0 else 1 end);
  end if;
  if v_helpful = 0 and v_unhelpful = 0 then
    return null;
  end if;
  update public.forum_responses
  set helpful_count = helpful_count + v_helpful, unhelpful_count = unhelpful_count + v_unhelpful
  where id = v_response_id
  returning author_id into v_author_id;
  if v_helpful <> 0 then
    update public.forum_experts set helpful_votes_received = helpful_votes_received + v_helpful
    where user_id = v_author_id;
  end if;
  return null;
end;
$$;

revoke all on function private.forum_vote_counts() from public;
comment on function private.forum_vote_counts() is
  'AFTER INSERT, UPDATE and DELETE trigger of forum_response_votes: helpful and unhelpful counts of the response and helpful_votes_received of its expert author.';

create trigger forum_response_votes_counts
  after insert or update of is_helpful or delete on public.forum_response_votes
  for each row execute function private.forum_vote_counts();

alter table public.forum_response_votes enable row level security;
revoke all on public.forum_response_votes from anon, authenticated;
grant select, delete on public.forum_response_votes to authenticated;
grant insert (response_id, is_helpful) on public.forum_response_votes to authenticated;
grant update (is_helpful) on public.forum_response_votes to authenticated;
grant all on public.forum_response_votes to service_role;

create policy "forum_response_votes: the voter reads their own"
  on public.forum_response_votes for select to authenticated using (user_id = (select auth.uid()));
create policy "forum_response_votes: active members vote"
  on public.forum_response_votes for insert to authenticated
  with check (user_id = (select auth.uid()) and (select private.is_active_user()));
create policy "forum_response_votes: the active voter changes their vote"
  on public.forum_response_votes for update to authenticated
  using (user_id = (select auth.uid()) and (select private.is_active_user()))
  with check (user_id = (select auth.uid()) and (select private.is_active_user()));
create policy "forum_response_votes: the active voter withdraws their vote"
  on public.forum_response_votes for delete to authenticated
  using (user_id = (select auth.uid()) and (select private.is_active_user()));

-- ---------------------------------------------------------------------------------------------
-- Notification types
-- ---------------------------------------------------------------------------------------------

insert into public.notification_types (type, description, essential, default_email, required_data) values
  ('forum_answer_accepted', 'Your forum answer was accepted', false, true, '{thread_title}'),
  ('moderation_decision', 'A moderator acted on your content or flag', false, true, '{action}');

-- ---------------------------------------------------------------------------------------------
-- RPCs
-- ---------------------------------------------------------------------------------------------

-- A thread the caller may see, locked for a change; 404 otherwise.
create function private.visible_forum_thread(p_thread_id uuid)
returns public.forum_threads
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_thread public.forum_threads;
begin
  select * into v_thread from public.forum_threads where id = p_thread_id for update;
  if not found or (
    v_thread.moderation_state <> 'visible'
    and v_thread.author_id is distinct from (select auth.uid())
    and not private.is_moderator()
  ) then
    raise exception using errcode = 'PT404', message = 'thread not found';
  end if;
  return v_thread;
end;
$$;

revoke all on function private.visible_forum_thread(uuid) from public;
comment on function private.visible_forum_thread(uuid) is
  'The thread, locked FOR UPDATE, when the caller may see it (visible, theirs, or they moderate); 404 otherwise. For the forum RPCs.';

-- Counts a page view without writing on most of them (see forum_threads.view_count).
create function public.record_thread_view(p_thread_id uuid)
returns bigint
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  v_views bigint;
  v_state public.forum_moderation_state;
begin
  select view_count, moderation_state into v_views, v_state from public.forum_threads where id = p_thread_id;
  if not found or (v_state <> 'visible' and not private.is_moderator()) then
    raise exception using errcode = 'PT404', message = 'thread not found';
  end if;
  if v_views >= 100 and pg_catalog.random() >= 0.1 then
    return v_views;
  end if;
  update public.forum_threads
  set view_count = view_count + (case when view_count < 100 then 1 else 10 end)
  where id = p_thread_id
  returning view_count into v_views;
  return v_views;
end;
$$;

revoke all on function public.record_thread_view(uuid) from public;
grant execute on function public.record_thread_view(uuid) to anon, authenticated, service_role;
comment on function public.record_thread_view(uuid) is
  'Counts a view of a visible thread (anon too) and returns the count: exact up to 100, then one call in ten writes and adds ten, so the count stays right on average while most page views write nothing.';

-- Moves a thread through open → resolved → closed.
create function public.set_thread_status(p_thread_id uuid, p_status public.forum_thread_status)
returns public.forum_threads
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_thread public.forum_threads;
  v_moderator boolean := private.is_moderator();
begin
  if p_status is null then
    raise exception using errcode = '22023', message = 'say which status', hint = 'open, resolved or closed';
  end if;
  v_thread := private.visible_forum_thread(p_thread_id);
  if v_thread.author_id <> v_user_id and not v_moderator then
    raise exception using errcode = '42501', message = 'only the thread''s author or a moderator can change its status';
  end if;
  if v_thread.status = p_status then
    raise exception using errcode = 'PT409', message = pg_catalog.format('the thread is already %s', p_status);
  end if;
  if not v_moderator and (p_status = 'closed' or v_thread.status = 'closed') then
    raise exception using errcode = '42501', message = 'only moderators close and reopen closed threads';
  end if;
  update public.forum_threads
  set status = p_status,
    resolved_at = case when p_status = 'resolved' then now() when p_status = 'open' then null else resolved_at end,
    closed_at = case when p_status = 'closed' then now() end
  where id = p_thread_id
  returning * into v_thread;
  return v_thread;
end;
$$;

revoke all on function public.set_thread_status(uuid, public.forum_thread_status) from public;
grant execute on function public.set_thread_status(uuid, public.forum_thread_status) to authenticated, service_role;
comment on function public.set_thread_status(uuid, public.forum_thread_status) is
  'Changes a thread''s status: its author moves it between open and resolved; moderators also close it and reopen a closed one. 409 when it already has that status.';

-- Pins and features a thread (moderators). A null argument leaves that mark as it is.
create function public.set_thread_highlights(p_thread_id uuid, p_is_pinned boolean default null, p_is_featured boolean default null)
returns public.forum_threads
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_thread public.forum_threads;
begin
  perform private.require_moderator();
  if p_is_pinned is null and p_is_featured is null then
    raise exception using errcode = '22023', message = 'say whether to pin or feature the thread',
      hint = 'pass p_is_pinned and/or p_is_featured';
  end if;
  v_thread := private.visible_forum_thread(p_thread_id);
  update public.forum_threads
  set is_pinned = coalesce(p_is_pinned, is_pinned), is_featured = coalesce(p_is_featured, is_featured)
  where id = p_thread_id
  returning * into v_thread;
  return v_thread;
end;
$$;

revoke all on function public.set_thread_highlights(uuid, boolean, boolean) from public;
grant execute on function public.set_thread_highlights(uuid, boolean, boolean) to authenticated, service_role;
comment on function public.set_thread_highlights(uuid, boolean, boolean) is
  'Moderators pin (first in its category''s list) or feature a thread; a null argument leaves that mark unchanged.';

-- Accepts (or withdraws the acceptance of) a response; accepting resolves an open thread.
create function public.accept_response(p_response_id uuid, p_accepted boolean default true)
returns public.forum_responses
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_response public.forum_responses;
  v_thread public.forum_threads;
begin
  if p_accepted is null then
    raise exception using errcode = '22023', message = 'say whether the response is accepted';
  end if;
  select * into v_response from public.forum_responses where id = p_response_id;
  if not found or (v_response.moderation_state <> 'visible' and not private.is_moderator()) then
    raise exception using errcode = 'PT404', message = 'response not found';
  end if;
  v_thread := private.visible_forum_thread(v_response.thread_id);
  if v_thread.author_id <> v_user_id and not private.is_moderator() then
    raise exception using errcode = '42501', message = 'only the thread''s author or a moderator can accept an answer';
  end if;
  if v_thread.status = 'closed' then
    raise exception using errcode = 'PT409', message = 'this thread is closed';
  end if;
  select * into v_response from public.forum_responses where id = p_response_id for update;
  if v_response.is_accepted = p_accepted then
    raise exception using errcode = 'PT409',
      message = case when p_accepted then 'this response is already accepted' else 'this response is not accepted' end;
  end if;
  update public.forum_responses
  set is_accepted = p_accepted,
    accepted_at = case when p_accepted then now() end,
    accepted_by = case when p_accepted then v_user_id end
  where id = p_response_id
  returning * into v_response;
  update public.forum_threads
  set accepted_count = accepted_count + (case when p_accepted then 1 else -1 end),
    status = case when p_accepted and status = 'open' then 'resolved'::public.forum_thread_status else status end,
    resolved_at = case when p_accepted and status = 'open' then now() else resolved_at end,
    last_activity_at = now()
  where id = v_thread.id;
  update public.forum_experts
  set accepted_answers = accepted_answers + (case when p_accepted then 1 else -1 end)
  where user_id = v_response.author_id;
  if p_accepted and v_response.author_id is not null and v_response.author_id <> v_user_id then
    perform private.notify(
      'forum_answer_accepted', array[v_response.author_id],
      pg_catalog.left('Your answer was accepted: ' || v_thread.title, 200), null,
      pg_catalog.jsonb_build_object('thread_id', v_thread.id, 'thread_title', v_thread.title, 'response_id', v_response.id),
      'forum_thread', v_thread.id, '/forum/threads/' || v_thread.id);
  end if;
  return v_response;
end;
$$;

revoke all on function public.accept_response(uuid, boolean) from public;
grant execute on function public.accept_response(uuid, boolean) to authenticated, service_role;
comment on function public.accept_response(uuid, boolean) is
  'The thread''s author or a moderator accepts a response (several may be accepted; an open thread becomes resolved; the response''s author is notified) or, with p_accepted => false, withdraws an acceptance. 409 on a closed thread or when nothing would change.';

-- Applies (or re-applies after a rejection, or amends a pending application) to be an expert.
create function public.apply_for_expert_verification(
  p_expertise_areas text[],
  p_years_of_experience integer,
  p_statement text default null,
  p_document_paths text[] default '{}'
)
returns public.expert_verifications
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_areas text[];
  v_application public.expert_verifications;
begin
  select pg_catalog.array_agg(distinct pg_catalog.lower(pg_catalog.btrim(a))) into v_areas
  from pg_catalog.unnest(p_expertise_areas) a
  where pg_catalog.btrim(a) <> '';
  if v_areas is null or cardinality(v_areas) > 10 or exists (select 1 from pg_catalog.unnest(v_areas) a where pg_catalog.char_length(a) > 60) then
    raise exception using errcode = '22023', message = 'name 1 to 10 areas of expertise of up to 60 characters',
      hint = 'forum category slugs or car makes, such as engine-and-drivetrain or toyota';
  end if;
  if p_years_of_experience is null or p_years_of_experience not between 0 and 80 then
    raise exception using errcode = '22023', message = 'years of experience must be between 0 and 80';
  end if;
  if pg_catalog.char_length(p_statement) > 4000 then
    raise exception using errcode = '22023', message = 'the statement can be at most 4,000 characters';
  end if;
  if cardinality(coalesce(p_document_paths, '{}')) > 10 or exists (
    select 1 from pg_catalog.unnest(p_document_paths) p
    where p is null or pg_catalog.split_part(p, '/', 1) <> v_user_id::text
  ) then
    raise exception using errcode = '22023', message = 'documents must be at most 10 of your uploads in expert-documents',
      hint = 'upload each file to expert-documents at <your user id>/<file name> first';
  end if;
  select * into v_application from public.expert_verifications where user_id = v_user_id for update;
  if found and v_application.status = 'approved' then
    raise exception using errcode = 'PT409', message = 'you are already a verified expert';
  end if;
  insert into public.expert_verifications (user_id, expertise_areas, years_of_experience, statement, document_paths)
  values (v_user_id, v_areas, p_years_of_experience, p_statement, coalesce(p_document_paths, '{}'))
  on conflict (user_id) do update
  set expertise_areas = excluded.expertise_areas,
    years_of_experience = excluded.years_of_experience,
    statement = excluded.statement,
    document_paths = excluded.document_paths,
    status = 'pending', decided_by = null, decided_at = null, decision_reason = null
  returning * into v_application;
  return v_application;
end;
$$;

revoke all on function public.apply_for_expert_verification(text[], integer, text, text[]) from public;
grant execute on function public.apply_for_expert_verification(text[], integer, text, text[]) to authenticated, service_role;
comment on function public.apply_for_expert_verification(text[], integer, text, text[]) is
  'A member applies to be a verified expert (areas: category slugs or car makes; years; a statement; paths of documents uploaded to expert-documents). Amends a pending application, renews a rejected one; 409 for a verified expert.';

-- Moderators approve or reject an application (rejecting an approved one revokes the expertise).
create function public.decide_expert_verification(p_verification_id uuid, p_approve boolean, p_reason text default null)
returns public.expert_verifications
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_moderator();
  v_application public.expert_verifications;
  v_reason text := nullif(pg_catalog.btrim(p_reason), '');
begin
  if p_approve is null then
    raise exception using errcode = '22023', message = 'say whether to approve or reject';
  end if;
  if not p_approve and v_reason is null then
    raise exception using errcode = '22023', message = 'give the applicant a reason for the rejection';
  end if;
  select * into v_application from public.expert_verifications where id = p_verification_id for update;
  if not found then
    raise exception using errcode = 'PT404', message = 'expert application not found';
  end if;
  if v_application.user_id = v_user_id then
    raise exception using errcode = '42501', message = 'another moderator must decide your own application';
  end if;
  if (p_approve and v_application.status = 'approved') or (not p_approve and v_application.status = 'rejected') then
    raise exception using errcode = 'PT409', message = pg_catalog.format('this application is already %s', v_application.status);
  end if;
  update public.expert_verifications
  set status = case when p_approve then 'approved' else 'rejected' end::public.expert_verification_status,
    decided_by = v_user_id, decided_at = now(), decision_reason = v_reason
  where id = p_verification_id
  returning * into v_application;
  if p_approve then
    -- Metrics start from the member's history.
    insert into public.forum_experts (user_id, verification_id, expertise_areas, years_of_experience, helpful_votes_received, accepted_answers)
    select v_application.user_id, v_application.id, v_application.expertise_areas, v_application.years_of_experience,
      coalesce(sum(r.helpful_count), 0), count(*) filter (where r.is_accepted)
    from public.forum_responses r
    where r.author_id = v_application.user_id;
  else
    delete from public.forum_experts where user_id = v_application.user_id;
  end if;
  perform private.notify(
    'verification_status', array[v_application.user_id],
    case when p_approve then 'You are now a verified expert' else 'Your expert application was not approved' end,
    v_reason,
    pg_catalog.jsonb_build_object('verification_id', v_application.id, 'status', v_application.status, 'reason', v_reason),
    'expert_verification', v_application.id, '/forum/experts/me');
  return v_application;
end;
$$;

revoke all on function public.decide_expert_verification(uuid, boolean, text) from public;
grant execute on function public.decide_expert_verification(uuid, boolean, text) to authenticated, service_role;
comment on function public.decide_expert_verification(uuid, boolean, text) is
  'Moderators approve an expert application (the person joins forum_experts, metrics counted from their past responses) or reject it with a reason (revoking an approved one); the applicant gets a verification_status notification.';

-- ---------------------------------------------------------------------------------------------
-- Storage: expert-documents (private)
-- ---------------------------------------------------------------------------------------------

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('expert-documents', 'expert-documents', false, 10485760, array['application/pdf', 'image/png', 'image/jpeg', 'image/webp'])
on conflict (id) do update
set public = excluded.public,
  file_size_limit = excluded.file_size_limit,
  allowed_mime_types = excluded.allowed_mime_types;

create policy "expert-documents: the applicant or a moderator reads"
  on storage.objects for select to authenticated
  using (bucket_id = 'expert-documents' and ((storage.foldername(name))[1] = (select auth.uid())::text or (select private.is_moderator())));
create policy "expert-documents: the applicant uploads"
  on storage.objects for insert to authenticated
  with check (bucket_id = 'expert-documents' and (storage.foldername(name))[1] = (select auth.uid())::text and (select private.is_active_user()));
create policy "expert-documents: the applicant replaces"
  on storage.objects for update to authenticated
  using (bucket_id = 'expert-documents' and (storage.foldername(name))[1] = (select auth.uid())::text)
  with check (bucket_id = 'expert-documents' and (storage.foldername(name))[1] = (select auth.uid())::text);
create policy "expert-documents: the applicant deletes"
  on storage.objects for delete to authenticated
  using (bucket_id = 'expert-documents' and (storage.foldername(name))[1] = (select auth.uid())::text);
