-- Service membership: support chat (the seed's /api/chat/threads/… and its WebSocket's SEND,
-- MESSAGE and TYPING frames).
--
-- - chat_threads: a member's conversation with support — an organization's staff, or platform
--   support (platform admins) when organization_id is null — with the staff member assigned;
--   open until the member or support closes it.
-- - chat_participants: who is in a thread (the member, the assigned staff member) with each one's
--   read marker; unread counts are the messages after it (my_chat_threads).
-- - chat_messages: text and attachments (paths in the private chat-attachments bucket, one folder
--   per thread, uploaded with signed upload URLs). Participants insert them directly (the seed's
--   POST …/messages/ and SEND) and read them with the seed's `since` paging as a plain filter
--   (`created_at=gt.<since>`). Only participants read or write a thread's messages.
-- - Live: chat_messages is in the supabase_realtime publication (postgres_changes, filtered by the
--   RLS above: MESSAGE); typing (TYPING) and presence go over the private Realtime channel
--   `chat:<thread id>`, which realtime.messages policies open to the thread's participants only.
-- - A new message notifies (new_message) each other participant who is not reading the thread:
--   presence lives in Realtime's memory, which the database cannot see, so "offline" is "has not
--   marked the thread read in the last two minutes"; one unread notification per thread at a time.

create type public.chat_thread_status as enum ('open', 'closed');
create type public.chat_participant_role as enum ('member', 'staff');

create table public.chat_threads (
  id uuid primary key default gen_random_uuid(),
  member_id uuid not null references public.profiles (id) on delete cascade,
  organization_id uuid references public.organizations (id) on delete cascade,
  subject text not null,
  status public.chat_thread_status not null default 'open',
  assigned_to uuid references public.profiles (id) on delete set null,
  last_message_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint chat_threads_subject_length check (char_length(subject) between 1 and 200),
  constraint chat_threads_not_self_assigned check (assigned_to <> member_id)
);

comment on table public.chat_threads is
  'Support conversations: a member with an organization''s staff, or with platform support when organization_id is null. Opened with start_chat_thread, assigned with assign_chat_thread, closed with close_chat_thread. Participants, the organization''s staff (their queue) and platform admins read; no direct writes.';
comment on column public.chat_threads.organization_id is 'The organization whose staff answer; null: platform support (platform admins).';
comment on column public.chat_threads.assigned_to is 'The staff member answering (a participant).';
comment on column public.chat_threads.last_message_at is 'When the latest message was sent, kept by the database (for ordering the inbox).';

create index chat_threads_member_id_idx on public.chat_threads (member_id, last_message_at desc);
create index chat_threads_organization_id_idx on public.chat_threads (organization_id, last_message_at desc);
create index chat_threads_assigned_to_idx on public.chat_threads (assigned_to);

create trigger chat_threads_updated_at
  before update on public.chat_threads
  for each row execute function extensions.moddatetime(updated_at);

create table public.chat_participants (
  thread_id uuid not null references public.chat_threads (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  role public.chat_participant_role not null,
  last_read_at timestamptz not null default now(),
  joined_at timestamptz not null default now(),
  primary key (thread_id, user_id)
);

comment on table public.chat_participants is
  'Who is in a thread, with each participant''s read marker (last_read_at: messages after it are unread). Written by the chat RPCs; the thread''s participants read.';
comment on column public.chat_participants.last_read_at is 'Read marker: set by mark_chat_read and by sending; also how the database tells whether someone is reading the thread.';

create index chat_participants_user_id_idx on public.chat_participants (user_id);

create table public.chat_messages (
  id uuid primary key default gen_random_uuid(),
  thread_id uuid not null references public.chat_threads (id) on delete cascade,
  sender_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
  body text not null default '',
  attachments text[] not null default '{}',
  created_at timestamptz not null default now(),
  constraint chat_messages_body_length check (char_length(body) <= 4000),
  constraint chat_messages_not_empty check (char_length(pg_catalog.btrim(body)) > 0 or pg_catalog.cardinality(attachments) > 0),
  constraint chat_messages_attachments_count check (pg_catalog.cardinality(attachments) <= 10)
);

comment on table public.chat_messages is
  'Messages of a thread: participants send (insert) and read them; page with created_at > since. In supabase_realtime: participants receive new ones through postgres_changes.';
comment on column public.chat_messages.attachments is 'Paths in the chat-attachments bucket, each under the thread''s folder (<thread id>/…).';

create index chat_messages_thread_id_idx on public.chat_messages (thread_id, created_at);
create index chat_messages_sender_id_idx on public.chat_messages (sender_id);

-- ---------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------

create function private.is_chat_participant(p_thread_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.chat_participants
    where thread_id = p_thread_id and user_id = (select auth.uid()))
$$;

revoke all on function private.is_chat_participant(uuid) from public;
grant execute on function private.is_chat_participant(uuid) to authenticated, service_role;

comment on function private.is_chat_participant(uuid) is
  'Whether the caller is in the thread. Granted to authenticated because the chat tables'', realtime.messages'' and chat-attachments'' policies call it.';

-- Who may answer a thread: the organization's staff and up, or platform admins for platform support.
create function private.can_answer_chat(p_thread public.chat_threads, p_user_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.platform_admins where user_id = p_user_id)
    or exists (
      select 1 from public.organization_members
      where organization_id = p_thread.organization_id and user_id = p_user_id
        and role in ('staff', 'admin', 'owner'))
$$;

revoke all on function private.can_answer_chat(public.chat_threads, uuid) from public;

comment on function private.can_answer_chat(public.chat_threads, uuid) is
  'Whether a person may answer the thread: staff (or above) of its organization, or a platform admin.';

-- The chat topic's thread: `chat:<thread id>`.
create function private.chat_topic_thread(p_topic text)
returns uuid
language sql
immutable
set search_path = ''
as $$
  select case when p_topic like 'chat:%' then private.try_uuid(pg_catalog.substr(p_topic, 6)) end
$$;

revoke all on function private.chat_topic_thread(text) from public;
grant execute on function private.chat_topic_thread(text) to authenticated, service_role;

comment on function private.chat_topic_thread(text) is
  'The thread id of a Realtime topic chat:<thread id>, or null. Granted to authenticated because the realtime.messages policies call it.';

-- ---------------------------------------------------------------------------------------------
-- Messages: checks before, thread bookkeeping and notifications after
-- ---------------------------------------------------------------------------------------------

create function private.guard_chat_message()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_path text;
begin
  -- The statement's own time, not the transaction's: messages written in one transaction (a seed,
  -- a batch) keep their order and fall after the read marker their sender's earlier one set.
  new.created_at := pg_catalog.clock_timestamp();
  foreach v_path in array new.attachments loop
    if v_path is null or v_path not like new.thread_id::text || '/_%' or v_path like '%..%' then
      raise exception using errcode = '22023', message = 'attachments are files of this thread''s folder',
        hint = 'upload to chat-attachments at <thread id>/<file name> and send that path';
    end if;
  end loop;
  if exists (select 1 from public.chat_threads where id = new.thread_id and status = 'closed') then
    raise exception using errcode = 'PT409', message = 'this conversation is closed';
  end if;
  return new;
end;
$$;

revoke all on function private.guard_chat_message() from public;
grant execute on function private.guard_chat_message() to authenticated, service_role;

comment on function private.guard_chat_message() is
  'Trigger: stamps the statement''s time (clock_timestamp), keeps attachments inside the thread''s folder and refuses closed threads. Granted to authenticated because it runs on their own inserts.';

create trigger chat_messages_guard
  before insert on public.chat_messages
  for each row execute function private.guard_chat_message();

create function private.after_chat_message()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_thread public.chat_threads;
  v_sender text;
  v_recipients uuid[];
begin
  update public.chat_threads set last_message_at = new.created_at where id = new.thread_id
  returning * into v_thread;
  update public.chat_participants set last_read_at = new.created_at
  where thread_id = new.thread_id and user_id = new.sender_id;

  select pg_catalog.array_agg(p.user_id) into v_recipients
  from public.chat_participants p
  where p.thread_id = new.thread_id and p.user_id <> new.sender_id
    and p.last_read_at < now() - interval '2 minutes'
    and not exists (
      select 1 from public.notifications n
      where n.user_id = p.user_id and n.type = 'new_message' and n.subject_kind = 'chat_thread'
        and n.subject_id = new.thread_id and n.read_at is null);
  if v_recipients is not null then
    select display_name into v_sender from public.profiles where id = new.sender_id;
    perform private.notify(
      'new_message', v_recipients, pg_catalog.left('New message from ' || coalesce(v_sender, 'support'), 200),
      pg_catalog.left(case when new.body = '' then 'Sent an attachment' else new.body end, 300),
      pg_catalog.jsonb_build_object('thread_id', new.thread_id, 'message_id', new.id, 'subject', v_thread.subject),
      'chat_thread', new.thread_id, '/chat/' || new.thread_id);
  end if;
  return null;
end;
$$;

revoke all on function private.after_chat_message() from public;

comment on function private.after_chat_message() is
  'Trigger: the thread''s last_message_at, the sender''s read marker, and new_message to participants not reading the thread (one unread notification per thread).';

create trigger chat_messages_after_insert
  after insert on public.chat_messages
  for each row execute function private.after_chat_message();

-- ---------------------------------------------------------------------------------------------
-- RPCs
-- ---------------------------------------------------------------------------------------------

create function public.start_chat_thread(p_subject text, p_organization_id uuid default null, p_body text default null)
returns public.chat_threads
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_thread public.chat_threads;
begin
  if coalesce(pg_catalog.btrim(p_subject), '') = '' or char_length(p_subject) > 200 then
    raise exception using errcode = '22023', message = 'give a subject (up to 200 characters)';
  end if;
  if char_length(p_body) > 4000 then
    raise exception using errcode = '22023', message = 'a message is up to 4000 characters';
  end if;
  if p_organization_id is not null and not exists (select 1 from public.organizations where id = p_organization_id) then
    raise exception using errcode = 'PT404', message = 'organization not found';
  end if;
  insert into public.chat_threads (member_id, organization_id, subject)
  values (v_user_id, p_organization_id, pg_catalog.btrim(p_subject))
  returning * into v_thread;
  insert into public.chat_participants (thread_id, user_id, role) values (v_thread.id, v_user_id, 'member');
  if coalesce(pg_catalog.btrim(p_body), '') <> '' then
    insert into public.chat_messages (thread_id, sender_id, body) values (v_thread.id, v_user_id, p_body);
    select * into v_thread from public.chat_threads where id = v_thread.id;
  end if;
  return v_thread;
end;
$$;

comment on function public.start_chat_thread(text, uuid, text) is
  'The caller opens a support conversation with an organization (or platform support when p_organization_id is null), optionally with a first message.';

-- Staff take a thread, or hand it to a colleague: the new assignee joins, the previous one leaves.
create function public.assign_chat_thread(p_thread_id uuid, p_staff_id uuid default null)
returns public.chat_threads
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_thread public.chat_threads;
  v_assignee uuid := coalesce(p_staff_id, v_user_id);
begin
  select * into v_thread from public.chat_threads where id = p_thread_id for update;
  if not found or not (private.can_answer_chat(v_thread, v_user_id) or private.is_chat_participant(p_thread_id)) then
    raise exception using errcode = 'PT404', message = 'conversation not found';
  end if;
  if not private.can_answer_chat(v_thread, v_user_id) then
    raise exception using errcode = '42501', message = 'only support staff assign conversations';
  end if;
  if not private.can_answer_chat(v_thread, v_assignee) or v_assignee = v_thread.member_id then
    raise exception using errcode = '22023', message = 'the assignee must be support staff for this conversation',
      hint = case when v_thread.organization_id is null then 'platform support is answered by platform admins'
        else 'staff, admins and owners of the organization answer' end;
  end if;
  if v_thread.assigned_to is not null and v_thread.assigned_to <> v_assignee then
    delete from public.chat_participants where thread_id = p_thread_id and user_id = v_thread.assigned_to and role = 'staff';
  end if;
  insert into public.chat_participants (thread_id, user_id, role, last_read_at)
  values (p_thread_id, v_assignee, 'staff', '-infinity')
  on conflict (thread_id, user_id) do nothing;
  update public.chat_threads set assigned_to = v_assignee where id = p_thread_id returning * into v_thread;
  return v_thread;
end;
$$;

comment on function public.assign_chat_thread(uuid, uuid) is
  'Support staff assign a conversation to themselves (no p_staff_id) or to a colleague who may answer it; the previous assignee leaves the thread.';

-- The member or support closes a conversation: no more messages (a new one starts another thread).
create function public.close_chat_thread(p_thread_id uuid)
returns public.chat_threads
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_thread public.chat_threads;
begin
  select * into v_thread from public.chat_threads where id = p_thread_id for update;
  if not found or not (private.is_chat_participant(p_thread_id) or private.can_answer_chat(v_thread, v_user_id)) then
    raise exception using errcode = 'PT404', message = 'conversation not found';
  end if;
  if v_thread.status = 'closed' then
    raise exception using errcode = 'PT409', message = 'this conversation is already closed';
  end if;
  update public.chat_threads set status = 'closed' where id = p_thread_id returning * into v_thread;
  return v_thread;
end;
$$;

comment on function public.close_chat_thread(uuid) is
  'The member, a participant or support staff close a conversation; messages to it are then refused (409).';

create function public.mark_chat_read(p_thread_id uuid)
returns public.chat_participants
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := private.require_active_user();
  v_participant public.chat_participants;
begin
  update public.chat_participants set last_read_at = greatest(last_read_at, now())
  where thread_id = p_thread_id and user_id = v_user_id
  returning * into v_participant;
  if not found then
    raise exception using errcode = 'PT404', message = 'conversation not found';
  end if;
  update public.notifications set read_at = now()
  where user_id = v_user_id and type = 'new_message' and subject_kind = 'chat_thread' and subject_id = p_thread_id and read_at is null;
  return v_participant;
end;
$$;

comment on function public.mark_chat_read(uuid) is 'Moves the caller''s read marker in a thread to now (and reads its new_message notification).';

-- The seed's GET /api/chat/threads/: the caller's threads, newest activity first, with unread counts.
create function public.my_chat_threads()
returns table (
  id uuid,
  subject text,
  organization_id uuid,
  member_id uuid,
  assigned_to uuid,
  status public.chat_thread_status,
  last_message_at timestamptz,
  last_message text,
  unread_count integer,
  created_at timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := (select auth.uid());
begin
  if v_user_id is null then
    raise exception using errcode = '42501', message = 'sign in first';
  end if;
  return query
    select t.id, t.subject, t.organization_id, t.member_id, t.assigned_to, t.status, t.last_message_at,
      (select m.body from public.chat_messages m where m.thread_id = t.id order by m.created_at desc, m.id desc limit 1),
      (select count(*)::integer from public.chat_messages m
        where m.thread_id = t.id and m.created_at > p.last_read_at and m.sender_id <> v_user_id),
      t.created_at
    from public.chat_participants p
    join public.chat_threads t on t.id = p.thread_id
    where p.user_id = v_user_id
    order by coalesce(t.last_message_at, t.created_at) desc, t.id;
end;
$$;

comment on function public.my_chat_threads() is
  'The seed''s GET /api/chat/threads/: the caller''s conversations, latest activity first, with the last message and the unread count after their read marker.';

revoke all on function public.start_chat_thread(text, uuid, text) from public, anon;
revoke all on function public.assign_chat_thread(uuid, uuid) from public, anon;
revoke all on function public.close_chat_thread(uuid) from public, anon;
revoke all on function public.mark_chat_read(uuid) from public, anon;
revoke all on function public.my_chat_threads() from public, anon;
grant execute on function public.start_chat_thread(text, uuid, text) to authenticated, service_role;
grant execute on function public.assign_chat_thread(uuid, uuid) to authenticated, service_role;
grant execute on function public.close_chat_thread(uuid) to authenticated, service_role;
grant execute on function public.mark_chat_read(uuid) to authenticated, service_role;
grant execute on function public.my_chat_threads() to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Privileges, policies and Realtime
-- ---------------------------------------------------------------------------------------------

revoke all on public.chat_threads, public.chat_participants, public.chat_messages from anon, authenticated;
grant all on public.chat_threads, public.chat_participants, public.chat_messages to service_role;
grant select on public.chat_threads, public.chat_participants to authenticated;
grant select, insert on public.chat_messages to authenticated;

alter table public.chat_threads enable row level security;
alter table public.chat_participants enable row level security;
alter table public.chat_messages enable row level security;

create policy "chat_threads: participants and support staff read"
  on public.chat_threads for select to authenticated
  using (
    private.is_chat_participant(id)
    or organization_id in (select private.organization_ids_with_role('staff'))
    or (select private.is_platform_admin())
  );

create policy "chat_participants: the thread's participants read"
  on public.chat_participants for select to authenticated
  using (private.is_chat_participant(thread_id));

create policy "chat_messages: the thread's participants read"
  on public.chat_messages for select to authenticated
  using (private.is_chat_participant(thread_id));

create policy "chat_messages: participants send as themselves"
  on public.chat_messages for insert to authenticated
  with check (sender_id = (select auth.uid()) and private.is_chat_participant(thread_id) and private.is_active_user());

alter publication supabase_realtime add table public.chat_messages;

-- Typing (broadcast) and who is online (presence) on the private channel chat:<thread id>.
create policy "chat: participants receive typing and presence"
  on realtime.messages for select to authenticated
  using (private.is_chat_participant(private.chat_topic_thread((select realtime.topic()))));

create policy "chat: participants send typing and presence"
  on realtime.messages for insert to authenticated
  with check (private.is_chat_participant(private.chat_topic_thread((select realtime.topic()))));

-- Attachments: private, one folder per thread, participants only (uploads with signed upload URLs,
-- which are issued only when this policy would let the caller write).
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('chat-attachments', 'chat-attachments', false, 10485760,
  array['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf', 'video/mp4'])
on conflict (id) do update
set public = excluded.public, file_size_limit = excluded.file_size_limit, allowed_mime_types = excluded.allowed_mime_types;

create policy "chat-attachments: participants read"
  on storage.objects for select to authenticated
  using (bucket_id = 'chat-attachments' and private.is_chat_participant(private.try_uuid((storage.foldername(name))[1])));

create policy "chat-attachments: participants upload"
  on storage.objects for insert to authenticated
  with check (bucket_id = 'chat-attachments' and private.is_chat_participant(private.try_uuid((storage.foldername(name))[1])));
