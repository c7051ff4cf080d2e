-- Moderation across apps: content flags, a queue of flagged items that hides an item once its
-- flags weigh enough (verified experts and long-standing members weigh more), moderators'
-- decisions (approve, remove with a reason, dismiss the flags), an audit log the author sees for
-- their own content, and suspension of accounts on the existing profile_suspensions (0016).
--
-- What can be flagged is a registry, private.moderation_targets: a kind names a table with an
-- `id`, an author column and a `moderation_state` column of type forum_moderation_state, which
-- its select policies honour. The forum registers its threads and responses here; comments,
-- comment replies and reviews join by inserting their row when their tables exist.

-- ---------------------------------------------------------------------------------------------
-- What can be flagged
-- ---------------------------------------------------------------------------------------------

create table private.moderation_targets (
  kind text primary key,
  relation regclass not null,
  author_column name not null,
  label text not null,
  constraint moderation_targets_kind_format check (kind ~ '^[a-z][a-z_]{0,39}$')
);

revoke all on private.moderation_targets from public, anon, authenticated;
grant select on private.moderation_targets to service_role;

comment on table private.moderation_targets is
  'Kinds of content that can be flagged: the table (with id and moderation_state columns) and its author column. Domains register their tables here.';

insert into private.moderation_targets (kind, relation, author_column, label) values
  ('forum_thread', 'public.forum_threads', 'author_id', 'thread'),
  ('forum_response', 'public.forum_responses', 'author_id', 'response');

insert into private.app_settings (key, value) values ('moderation_hide_weight', '3')
on conflict (key) do nothing;

-- ---------------------------------------------------------------------------------------------
-- Flags, the queue and the audit log
-- ---------------------------------------------------------------------------------------------

create type public.content_flag_reason as enum ('spam', 'harassment', 'hate', 'misinformation', 'off_topic', 'inappropriate', 'other');
comment on type public.content_flag_reason is 'Why a member flags content; other needs details.';

create type public.content_flag_resolution as enum ('upheld', 'declined');
comment on type public.content_flag_resolution is 'How a moderator settled a flag: upheld (the content was removed) or declined (approved or dismissed).';

create type public.moderation_action_kind as enum ('auto_hidden', 'approved', 'removed', 'flags_dismissed', 'suspended', 'suspension_lifted');
comment on type public.moderation_action_kind is 'An entry of the moderation audit log.';

create table public.content_flags (
  id uuid primary key default gen_random_uuid(),
  target_kind text not null,
  target_id uuid not null,
  flagged_by uuid not null references public.profiles (id) on delete cascade,
  reason public.content_flag_reason not null,
  details text,
  weight numeric(4, 2) not null,
  created_at timestamptz not null default now(),
  resolved_at timestamptz,
  resolved_by uuid references public.profiles (id) on delete set null,
  resolution public.content_flag_resolution,
  constraint content_flags_once unique (target_kind, target_id, flagged_by),
  constraint content_flags_kind check (target_kind in ('forum_thread', 'forum_response', 'comment', 'comment_reply', 'review')),
  constraint content_flags_details_length check (char_length(details) <= 1000),
  constraint content_flags_resolved check ((resolved_at is null) = (resolution is null)),
  constraint content_flags_weight check (weight > 0)
);

comment on table public.content_flags is
  'Flags on content (a thread, response, comment, reply or review), one per member and item, made with flag_content. The flagger and moderators read them; the author of the content does not see who flagged it.';
comment on column public.content_flags.target_kind is
  'What is flagged: a kind registered in private.moderation_targets. The check constraint names the kinds of the marketplace seed (forum_thread, forum_response, comment, comment_reply, review); a further kind needs it widened too.';
comment on column public.content_flags.weight is 'The flagger''s standing when they flagged: 1, plus 1 for a verified expert, plus 0.5 for an account older than a year.';
comment on column public.content_flags.resolution is 'Set when a moderator decides the item: upheld or declined.';

create index content_flags_target_idx on public.content_flags (target_kind, target_id) where resolved_at is null;
create index content_flags_flagged_by_idx on public.content_flags (flagged_by, created_at desc);
create index content_flags_resolved_by_idx on public.content_flags (resolved_by);

create table public.moderation_items (
  target_kind text not null,
  target_id uuid not null,
  author_id uuid references public.profiles (id) on delete cascade,
  state public.forum_moderation_state not null default 'visible',
  open_flags integer not null default 0,
  open_weight numeric(8, 2) not null default 0,
  first_flagged_at timestamptz,
  last_flagged_at timestamptz,
  decided_by uuid references public.profiles (id) on delete set null,
  decided_at timestamptz,
  decision_reason text,
  primary key (target_kind, target_id),
  constraint moderation_items_open check (open_flags >= 0 and open_weight >= 0)
);

comment on table public.moderation_items is
  'The moderation queue: one row per flagged (or moderated) item with its open flags and their weight, kept by the database. Moderators work it: select … where open_flags > 0 order by state desc, open_weight desc. Decided with moderate_content.';
comment on column public.moderation_items.state is 'Mirrors the item''s moderation_state: hidden once open_weight reaches the hide threshold (3 by default), until a moderator decides.';
comment on column public.moderation_items.open_weight is 'Sum of the weights of the flags not yet decided.';

create index moderation_items_queue_idx on public.moderation_items (state desc, open_weight desc) where open_flags > 0;
create index moderation_items_author_idx on public.moderation_items (author_id);
create index moderation_items_decided_by_idx on public.moderation_items (decided_by);

create table public.moderation_actions (
  id uuid primary key default gen_random_uuid(),
  action public.moderation_action_kind not null,
  target_kind text,
  target_id uuid,
  subject_user_id uuid references public.profiles (id) on delete cascade,
  actor_id uuid references public.profiles (id) on delete set null,
  reason text,
  details jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  constraint moderation_actions_target check ((target_kind is null) = (target_id is null))
);

comment on table public.moderation_actions is
  'The moderation audit log, written only by the database: automatic hiding, moderators'' decisions, suspensions and their lifting. Moderators read all of it; a member reads the entries about their own content and account.';
comment on column public.moderation_actions.subject_user_id is 'The author of the content, or the suspended member.';
comment on column public.moderation_actions.actor_id is 'The moderator; null when the database acted (auto_hidden).';

create index moderation_actions_subject_idx on public.moderation_actions (subject_user_id, created_at desc);
create index moderation_actions_target_idx on public.moderation_actions (target_kind, target_id);
create index moderation_actions_actor_idx on public.moderation_actions (actor_id);

alter table public.content_flags enable row level security;
alter table public.moderation_items enable row level security;
alter table public.moderation_actions enable row level security;
revoke all on public.content_flags, public.moderation_items, public.moderation_actions from anon, authenticated;
grant select on public.content_flags, public.moderation_items, public.moderation_actions to authenticated;
grant all on public.content_flags, public.moderation_items, public.moderation_actions to service_role;

create policy "content_flags: the flagger or a moderator reads"
  on public.content_flags for select to authenticated
  using (flagged_by = (select auth.uid()) or (select private.is_moderator()));
create policy "moderation_items: moderators read"
  on public.moderation_items for select to authenticated
  using ((select private.is_moderator()));
create policy "moderation_actions: the member concerned or a moderator reads"
  on public.moderation_actions for select to authenticated
  using (subject_user_id = (select auth.uid()) or (select private.is_moderator()));

-- Suspension reasons are for the person and staff: moderators now read them too.
alter policy "profile_suspensions: the person or a platform admin reads"
  on public.profile_suspensions
  using (profile_id = (select auth.uid()) or (select private.is_moderator()));
alter policy "profile_suspensions: the person or a platform admin reads"
  on public.profile_suspensions
  rename to "profile_suspensions: the person or staff (platform admins, moderators) read";

-- ---------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------

-- A flagged item's author and moderation state, through the registry; null author and state
-- when the item does not exist.
create function private.moderation_target(p_kind text, p_id uuid, out author_id uuid, out state public.forum_moderation_state)
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_target private.moderation_targets;
begin
  select * into v_target from private.moderation_targets where kind = p_kind;
  if not found then
    raise exception using errcode = '22023', message = pg_catalog.format('%s cannot be flagged', coalesce(p_kind, 'nothing')),
      hint = (select 'flag one of: ' || pg_catalog.string_agg(kind, ', ' order by kind) from private.moderation_targets);
  end if;
  execute pg_catalog.format('select %I, moderation_state from %s where id = $1 for update', v_target.author_column, v_target.relation)
    into author_id, state using p_id;
end;
$$;

revoke all on function private.moderation_target(text, uuid) from public;
comment on function private.moderation_target(text, uuid) is
  'The author and moderation_state of a registered kind of content (locked FOR UPDATE); 22023 for a kind that cannot be flagged.';

create function private.set_moderation_state(p_kind text, p_id uuid, p_state public.forum_moderation_state)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
  execute pg_catalog.format('update %s set moderation_state = $1 where id = $2',
    (select relation from private.moderation_targets where kind = p_kind))
    using p_state, p_id;
end;
$$;

revoke all on function private.set_moderation_state(text, uuid, public.forum_moderation_state) from public;
comment on function private.set_moderation_state(text, uuid, public.forum_moderation_state) is
  'Sets the moderation_state of a registered item (the queue keeps its own copy in moderation_items.state).';

-- The weight of a member's flag: 1, +1 for a verified expert, +0.5 for an account over a year old.
create function private.flag_weight(p_user_id uuid)
returns numeric
language sql
stable
security definer
set search_path = ''
as $$
  select 1
    + (case when exists (select 1 from public.forum_experts where user_id = p_user_id) then 1 else 0 end)
    + (case when exists (select 1 from public.profiles where id = p_user_id and created_at < now() - interval '1 year') then 0.5 else 0 end)
$$;

revoke all on function private.flag_weight(uuid) from public;
comment on function private.flag_weight(uuid) is
  'How much a member''s flag weighs: 1, plus 1 for a verified expert, plus 0.5 for an account older than a year.';

-- ---------------------------------------------------------------------------------------------
-- RPCs
-- ---------------------------------------------------------------------------------------------

create function public.flag_content(
  p_target_kind text,
  p_target_id uuid,
  p_reason public.content_flag_reason,
  p_details text default null
)
returns public.content_flags
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_target record;
  v_flag public.content_flags;
  v_item public.moderation_items;
  v_details text := nullif(pg_catalog.btrim(p_details), '');
  v_label text;
begin
  if p_reason is null then
    raise exception using errcode = '22023', message = 'say why you flag this',
      hint = 'spam, harassment, hate, misinformation, off_topic, inappropriate or other';
  end if;
  if p_reason = 'other' and v_details is null then
    raise exception using errcode = '22023', message = 'describe the problem when the reason is other';
  end if;
  if pg_catalog.char_length(v_details) > 1000 then
    raise exception using errcode = '22023', message = 'details can be at most 1,000 characters';
  end if;
  v_target := private.moderation_target(p_target_kind, p_target_id);
  if v_target.state is null or (v_target.state <> 'visible' and v_target.author_id is distinct from v_user_id) then
    raise exception using errcode = 'PT404', message = 'nothing to flag here', hint = 'the item does not exist or is no longer shown';
  end if;
  if v_target.author_id = v_user_id then
    raise exception using errcode = '22023', message = 'you cannot flag your own content',
      hint = 'edit or delete it instead';
  end if;
  if exists (select 1 from public.content_flags where target_kind = p_target_kind and target_id = p_target_id and flagged_by = v_user_id) then
    raise exception using errcode = 'PT409', message = 'you already flagged this';
  end if;

  insert into public.content_flags (target_kind, target_id, flagged_by, reason, details, weight)
  values (p_target_kind, p_target_id, v_user_id, p_reason, v_details, private.flag_weight(v_user_id))
  returning * into v_flag;

  insert into public.moderation_items as i (target_kind, target_id, author_id, open_flags, open_weight, first_flagged_at, last_flagged_at)
  values (p_target_kind, p_target_id, v_target.author_id, 1, v_flag.weight, now(), now())
  on conflict (target_kind, target_id) do update
  set open_flags = i.open_flags + 1,
    open_weight = i.open_weight + excluded.open_weight,
    first_flagged_at = coalesce(i.first_flagged_at, excluded.first_flagged_at),
    last_flagged_at = excluded.last_flagged_at
  returning * into v_item;

  if v_item.state = 'visible' and v_item.open_weight >= coalesce(private.setting('moderation_hide_weight')::numeric, 3) then
    update public.moderation_items set state = 'hidden'
    where target_kind = p_target_kind and target_id = p_target_id;
    perform private.set_moderation_state(p_target_kind, p_target_id, 'hidden');
    insert into public.moderation_actions (action, target_kind, target_id, subject_user_id, details)
    values ('auto_hidden', p_target_kind, p_target_id, v_target.author_id,
      pg_catalog.jsonb_build_object('open_flags', v_item.open_flags, 'open_weight', v_item.open_weight));
    select label into v_label from private.moderation_targets where kind = p_target_kind;
    perform private.notify(
      'moderation_decision', array[v_target.author_id],
      pg_catalog.format('Your %s is hidden pending review', v_label),
      'Members flagged it; a moderator will review it soon.',
      pg_catalog.jsonb_build_object('action', 'auto_hidden', 'target_kind', p_target_kind, 'target_id', p_target_id),
      p_target_kind, p_target_id, null);
  end if;
  return v_flag;
end;
$$;

revoke all on function public.flag_content(text, uuid, public.content_flag_reason, text) from public;
grant execute on function public.flag_content(text, uuid, public.content_flag_reason, text) to authenticated, service_role;
comment on function public.flag_content(text, uuid, public.content_flag_reason, text) is
  'A member who is not suspended flags an item (forum_thread, forum_response, and the kinds other domains register) once, with a reason and details. When the open flags weigh enough (setting moderation_hide_weight, 3) the item is hidden pending review, logged and its author notified.';

create function public.moderate_content(p_target_kind text, p_target_id uuid, p_action text, p_reason text default null)
returns public.moderation_items
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_moderator();
  v_target record;
  v_item public.moderation_items;
  v_reason text := nullif(pg_catalog.btrim(p_reason), '');
  v_label text;
  v_flaggers uuid[];
begin
  if p_action is null or p_action not in ('approve', 'remove', 'dismiss') then
    raise exception using errcode = '22023', message = 'the action is approve, remove or dismiss';
  end if;
  if p_action = 'remove' and v_reason is null then
    raise exception using errcode = '22023', message = 'give the author a reason for the removal';
  end if;
  if pg_catalog.char_length(v_reason) > 2000 then
    raise exception using errcode = '22023', message = 'the reason can be at most 2,000 characters';
  end if;
  v_target := private.moderation_target(p_target_kind, p_target_id);
  if v_target.state is null then
    raise exception using errcode = 'PT404', message = 'nothing to moderate here', hint = 'the item does not exist';
  end if;
  insert into public.moderation_items (target_kind, target_id, author_id, state)
  values (p_target_kind, p_target_id, v_target.author_id, v_target.state)
  on conflict (target_kind, target_id) do nothing;
  select * into v_item from public.moderation_items
  where target_kind = p_target_kind and target_id = p_target_id for update;

  if p_action = 'approve' and v_item.state = 'visible' and v_item.open_flags = 0 then
    raise exception using errcode = 'PT409', message = 'this item is visible and has no open flags';
  elsif p_action = 'remove' and v_item.state = 'removed' then
    raise exception using errcode = 'PT409', message = 'this item is already removed';
  elsif p_action = 'dismiss' and v_item.open_flags = 0 then
    raise exception using errcode = 'PT409', message = 'this item has no open flags';
  elsif p_action = 'dismiss' and v_item.state <> 'visible' then
    raise exception using errcode = 'PT409', message = 'a hidden or removed item is approved or removed, not dismissed',
      hint = 'approve it to show it again';
  end if;

  with resolved as (
    update public.content_flags
    set resolved_at = now(), resolved_by = v_user_id,
      resolution = case when p_action = 'remove' then 'upheld' else 'declined' end::public.content_flag_resolution
    where target_kind = p_target_kind and target_id = p_target_id and resolved_at is null
    returning flagged_by
  )
  select pg_catalog.array_agg(flagged_by) into v_flaggers from resolved;

  update public.moderation_items
  set state = case p_action when 'remove' then 'removed' when 'approve' then 'visible' else state end::public.forum_moderation_state,
    open_flags = 0, open_weight = 0, decided_by = v_user_id, decided_at = now(), decision_reason = v_reason
  where target_kind = p_target_kind and target_id = p_target_id
  returning * into v_item;
  perform private.set_moderation_state(p_target_kind, p_target_id, v_item.state);

  insert into public.moderation_actions (action, target_kind, target_id, subject_user_id, actor_id, reason)
  values (case p_action when 'approve' then 'approved' when 'remove' then 'removed' else 'flags_dismissed' end::public.moderation_action_kind,
    p_target_kind, p_target_id, v_target.author_id, v_user_id, v_reason);

  select label into v_label from private.moderation_targets where kind = p_target_kind;
  -- The flaggers hear how their flags were settled (not why: the reason is for the author).
  if v_flaggers is not null then
    perform private.notify(
      'moderation_decision', v_flaggers,
      case p_action when 'remove' then pg_catalog.format('Thanks for your flag: the %s was removed', v_label)
        else pg_catalog.format('A moderator reviewed the %s you flagged and left it up', v_label) end,
      null,
      pg_catalog.jsonb_build_object('action', p_action, 'target_kind', p_target_kind, 'target_id', p_target_id, 'as', 'flagger'),
      p_target_kind, p_target_id, null);
  end if;
  if p_action in ('approve', 'remove') and v_target.author_id is not null and v_target.author_id <> v_user_id then
    perform private.notify(
      'moderation_decision', array[v_target.author_id],
      case p_action when 'remove' then pg_catalog.format('A moderator removed your %s', v_label)
        else pg_catalog.format('Your %s is approved', v_label) end,
      v_reason,
      pg_catalog.jsonb_build_object('action', p_action, 'target_kind', p_target_kind, 'target_id', p_target_id, 'reason', v_reason),
      p_target_kind, p_target_id, null);
  end if;
  return v_item;
end;
$$;

revoke all on function public.moderate_content(text, uuid, text, text) from public;
grant execute on function public.moderate_content(text, uuid, text, text) to authenticated, service_role;
comment on function public.moderate_content(text, uuid, text, text) is
  'Moderators decide an item: approve (shown again, flags declined), remove (with a reason, flags upheld) or dismiss (the open flags of a visible item declined). Logged in moderation_actions; the author is notified of approvals and removals (with the reason), the flaggers of how their flags were settled.';

-- Suspends an account, for a period or until lifted.
create function public.suspend_account(p_user_id uuid, p_reason text, p_until timestamptz default null)
returns public.profile_suspensions
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_moderator();
  v_reason text := nullif(pg_catalog.btrim(p_reason), '');
  v_suspension public.profile_suspensions;
begin
  if v_reason is null or pg_catalog.char_length(v_reason) > 2000 then
    raise exception using errcode = '22023', message = 'give the member a reason of up to 2,000 characters';
  end if;
  if p_until is not null and p_until <= now() then
    raise exception using errcode = '22023', message = 'the suspension must end in the future',
      hint = 'leave p_until out for a suspension until lifted';
  end if;
  if p_user_id = v_user_id then
    raise exception using errcode = '22023', message = 'you cannot suspend yourself';
  end if;
  if not exists (select 1 from public.profiles where id = p_user_id) then
    raise exception using errcode = 'PT404', message = 'member not found';
  end if;
  if not private.is_platform_admin() and (
    exists (select 1 from public.platform_admins where user_id = p_user_id)
    or exists (select 1 from public.forum_moderators where user_id = p_user_id)
  ) then
    raise exception using errcode = '42501', message = 'only a platform admin can suspend a moderator or a platform admin';
  end if;
  insert into public.profile_suspensions as s (profile_id, suspended_at, suspended_until, reason, suspended_by)
  values (p_user_id, now(), p_until, v_reason, v_user_id)
  on conflict (profile_id) do update
  set suspended_at = excluded.suspended_at, suspended_until = excluded.suspended_until,
    reason = excluded.reason, suspended_by = excluded.suspended_by
  returning * into v_suspension;
  insert into public.moderation_actions (action, subject_user_id, actor_id, reason, details)
  values ('suspended', p_user_id, v_user_id, v_reason, pg_catalog.jsonb_build_object('until', p_until));
  perform private.notify(
    'account_alert', array[p_user_id],
    case when p_until is null then 'Your account is suspended'
      else 'Your account is suspended until ' || pg_catalog.to_char(p_until at time zone 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC' end,
    v_reason,
    pg_catalog.jsonb_build_object('action', 'suspended', 'until', p_until, 'reason', v_reason),
    null, null, null);
  return v_suspension;
end;
$$;

revoke all on function public.suspend_account(uuid, text, timestamptz) from public;
grant execute on function public.suspend_account(uuid, text, timestamptz) to authenticated, service_role;
comment on function public.suspend_account(uuid, text, timestamptz) is
  'Moderators and platform admins suspend a member until p_until (or until lifted), with a reason only the member and staff see; moderators cannot suspend moderators or platform admins. Replaces a current suspension; logged; the member gets an account_alert. The suspension ends by itself at p_until.';

create function public.lift_suspension(p_user_id uuid, p_reason text default null)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_moderator();
  v_reason text := nullif(pg_catalog.btrim(p_reason), '');
begin
  if not exists (select 1 from public.profiles where id = p_user_id) then
    raise exception using errcode = 'PT404', message = 'member not found';
  end if;
  if not private.is_platform_admin() and (
    exists (select 1 from public.platform_admins where user_id = p_user_id)
    or exists (select 1 from public.forum_moderators where user_id = p_user_id)
  ) then
    raise exception using errcode = '42501', message = 'only a platform admin can lift the suspension of a moderator or a platform admin';
  end if;
  if not private.is_suspended(p_user_id) then
    raise exception using errcode = 'PT409', message = 'this member is not suspended';
  end if;
  delete from public.profile_suspensions where profile_id = p_user_id;
  insert into public.moderation_actions (action, subject_user_id, actor_id, reason)
  values ('suspension_lifted', p_user_id, v_user_id, v_reason);
  perform private.notify(
    'account_alert', array[p_user_id], 'Your account suspension was lifted', v_reason,
    pg_catalog.jsonb_build_object('action', 'suspension_lifted'), null, null, null);
  return true;
end;
$$;

revoke all on function public.lift_suspension(uuid, text) from public;
grant execute on function public.lift_suspension(uuid, text) to authenticated, service_role;
comment on function public.lift_suspension(uuid, text) is
  'Moderators and platform admins lift a suspension in force before it ends (same rule for moderators and platform admins as suspend_account); logged; the member gets an account_alert. 409 when the member is not suspended.';

-- Expired suspensions stop counting at suspended_until by themselves (private.is_suspended reads
-- the time); this nightly job only removes their rows.
select cron.schedule('purge-expired-suspensions', '17 3 * * *',
  $$delete from public.profile_suspensions where suspended_until <= now()$$);
