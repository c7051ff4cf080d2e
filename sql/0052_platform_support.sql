-- Platform support staff (issue 16's "support role"; issue 15's "support staff for a member they
-- serve"): people who answer the platform's support conversations without being platform admins.
--
-- - platform_support_staff: who they are; platform admins add and remove them, nobody adds
--   themselves. A support person reads their own row, platform admins all rows.
-- - Chat: platform support conversations (organization_id null) are answered by platform support
--   staff as well as platform admins: they see that queue, take threads and hand them over
--   (private.can_answer_chat). Organizations' conversations stay with their own staff.
-- - Vehicles: whoever is assigned to a member's open conversation serves that member and reads
--   their vehicles, dongles and service book (private.serves_member, which the policies of those
--   tables ask), until the thread is closed or handed to someone else.

create table public.platform_support_staff (
  user_id uuid primary key references public.profiles (id) on delete cascade,
  added_by uuid default auth.uid() references public.profiles (id) on delete set null,
  added_at timestamptz not null default now()
);

comment on table public.platform_support_staff is
  'Platform support staff: answer the platform''s support conversations and, while assigned to a member''s open conversation, read that member''s vehicles. Added and removed by platform admins; each reads their own row.';

create index platform_support_staff_added_by_idx on public.platform_support_staff (added_by);

create function private.is_platform_support()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.platform_support_staff where user_id = (select auth.uid()))
$$;

revoke all on function private.is_platform_support() from public;
grant execute on function private.is_platform_support() to authenticated, service_role;

comment on function private.is_platform_support() is
  'Whether the caller is platform support staff. Granted to authenticated because the chat_threads read policy calls it.';

create or replace function private.can_answer_chat(p_thread public.chat_threads, p_user_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (select 1 from public.platform_admins where user_id = p_user_id)
    or (p_thread.organization_id is null and exists (select 1 from public.platform_support_staff where user_id = p_user_id))
    or exists (
      select 1 from public.organization_members
      where organization_id = p_thread.organization_id and user_id = p_user_id
        and role in ('staff', 'admin', 'owner'))
$$;

comment on function private.can_answer_chat(public.chat_threads, uuid) is
  'Whether a person may answer the thread: staff (or above) of its organization, platform support staff for platform conversations, or a platform admin.';

create or replace function private.serves_member(p_user_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.appointments a
    join public.service_locations l on l.id = a.location_id
    where a.user_id = p_user_id
      and a.status <> 'cancelled'
      and l.organization_id in (select private.organization_ids_with_role('staff'))
  ) or exists (
    select 1 from public.chat_threads t
    where t.assigned_to = (select auth.uid()) and t.member_id = p_user_id and t.status = 'open'
  )
$$;

comment on function private.serves_member(uuid) is
  'Whether the caller serves the member: staff of an organization where the member has an appointment (not cancelled), or the support person assigned to one of the member''s open conversations. Granted to authenticated because the vehicles, obd_dongles and service-book policies call it.';

-- Only the hint changes: platform conversations are no longer platform admins' alone.
create or replace function public.assign_chat_thread(p_thread_id uuid, p_staff_id uuid default null)
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
      hint = case when v_thread.organization_id is null then 'platform support is answered by platform support staff and platform admins'
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

drop policy "chat_threads: participants and support staff read" on public.chat_threads;
create policy "chat_threads: participants and support staff read"
  on public.chat_threads for select to authenticated
  using (
    private.is_chat_participant(id)
    or organization_id in (select private.organization_ids_with_role('staff'))
    or (organization_id is null and (select private.is_platform_support()))
    or (select private.is_platform_admin())
  );

revoke all on public.platform_support_staff from anon, authenticated;
grant all on public.platform_support_staff to service_role;
grant select, delete on public.platform_support_staff to authenticated;
grant insert (user_id) on public.platform_support_staff to authenticated;

alter table public.platform_support_staff enable row level security;

create policy "platform_support_staff: the person and platform admins read"
  on public.platform_support_staff for select to authenticated
  using (user_id = (select auth.uid()) or (select private.is_platform_admin()));

create policy "platform_support_staff: platform admins add"
  on public.platform_support_staff for insert to authenticated
  with check ((select private.is_platform_admin()));

create policy "platform_support_staff: platform admins remove"
  on public.platform_support_staff for delete to authenticated
  using ((select private.is_platform_admin()));
