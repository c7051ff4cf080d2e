-- Support chat: the author edits a message for a while and deletes it; everyone else sees that it
-- was edited or deleted (issue 16, "chat message edit and delete").
--
-- - edit_chat_message(): the sender, within 'chat_edit_window_minutes' (default 15) of sending, in
--   an open thread, a message not deleted; stamps edited_at.
-- - delete_chat_message(): the sender, or a platform admin (moderation), at any time. The row
--   stays, so the conversation keeps its shape and its unread counts, with its body and attachment
--   paths emptied and deleted_at set: apps show "message deleted". The attachment files stay in the
--   bucket until the thread goes (storage objects are removed through the Storage API, not SQL).
-- - Both changes reach the thread's participants live as postgres_changes UPDATE events (the
--   table is already in supabase_realtime, and RLS filters them as it filters inserts).
-- - edited_at and deleted_at are the database's to set: senders insert only the other columns.

alter table public.chat_messages
  add column edited_at timestamptz,
  add column deleted_at timestamptz,
  drop constraint chat_messages_not_empty,
  add constraint chat_messages_not_empty check (
    deleted_at is not null or char_length(pg_catalog.btrim(body)) > 0 or pg_catalog.cardinality(attachments) > 0),
  add constraint chat_messages_deleted_empty check (
    deleted_at is null or (body = '' and pg_catalog.cardinality(attachments) = 0));

comment on column public.chat_messages.edited_at is 'When its sender last edited it (edit_chat_message); null if never.';
comment on column public.chat_messages.deleted_at is 'When it was deleted (delete_chat_message): body and attachments are then empty; show "message deleted".';

revoke insert on public.chat_messages from authenticated;
grant insert (id, thread_id, sender_id, body, attachments, created_at) on public.chat_messages to authenticated;

insert into private.app_settings (key, value) values ('chat_edit_window_minutes', '15') on conflict (key) do nothing;

create function public.edit_chat_message(p_message_id uuid, p_body text)
returns public.chat_messages
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := (select auth.uid());
  v_message public.chat_messages;
  v_window integer := coalesce(private.setting('chat_edit_window_minutes')::integer, 15);
begin
  if v_user_id is null then
    raise exception using errcode = '42501', message = 'sign in first';
  end if;
  perform private.require_active_user();
  if p_body is null then
    raise exception using errcode = 'PT400', message = 'give the new text of the message';
  end if;
  select m.* into v_message from public.chat_messages m where m.id = p_message_id for update;
  if not found or not private.is_chat_participant(v_message.thread_id) then
    raise exception using errcode = 'PT404', message = 'message not found';
  end if;
  if v_message.sender_id <> v_user_id then
    raise exception using errcode = 'PT403', message = 'only its sender edits a message';
  end if;
  if v_message.deleted_at is not null then
    raise exception using errcode = 'PT409', message = 'this message was deleted';
  end if;
  if v_message.created_at < pg_catalog.now() - pg_catalog.make_interval(mins => v_window) then
    raise exception using errcode = 'PT409', message = pg_catalog.format('a message can be edited for %s minutes after it is sent', v_window);
  end if;
  if exists (select 1 from public.chat_threads t where t.id = v_message.thread_id and t.status = 'closed') then
    raise exception using errcode = 'PT409', message = 'this conversation is closed';
  end if;
  begin
    update public.chat_messages m set body = p_body, edited_at = pg_catalog.now()
    where m.id = p_message_id
    returning * into v_message;
  exception when check_violation then
    raise exception using errcode = 'PT400', message = 'a message has 1 to 4000 characters, or attachments';
  end;
  return v_message;
end;
$$;

comment on function public.edit_chat_message(uuid, text) is
  'The sender replaces the text of their message within chat_edit_window_minutes (15) of sending, in an open thread; sets edited_at. 404 unknown or not a participant, 403 not the sender, 409 deleted, too late or closed.';

create function public.delete_chat_message(p_message_id uuid)
returns public.chat_messages
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := (select auth.uid());
  v_message public.chat_messages;
  v_admin boolean := private.is_platform_admin();
begin
  if v_user_id is null then
    raise exception using errcode = '42501', message = 'sign in first';
  end if;
  perform private.require_active_user();
  select m.* into v_message from public.chat_messages m where m.id = p_message_id for update;
  if not found or not (v_admin or private.is_chat_participant(v_message.thread_id)) then
    raise exception using errcode = 'PT404', message = 'message not found';
  end if;
  if v_message.sender_id <> v_user_id and not v_admin then
    raise exception using errcode = 'PT403', message = 'only its sender (or a platform admin) deletes a message';
  end if;
  if v_message.deleted_at is not null then
    return v_message;
  end if;
  update public.chat_messages m set body = '', attachments = '{}', deleted_at = pg_catalog.now()
  where m.id = p_message_id
  returning * into v_message;
  return v_message;
end;
$$;

comment on function public.delete_chat_message(uuid) is
  'The sender (or a platform admin) deletes a message: the row stays with its body and attachments emptied and deleted_at set, so others see "deleted". Deleting it again changes nothing. 404 unknown or not a participant, 403 not the sender.';

revoke all on function public.edit_chat_message(uuid, text) from public, anon;
revoke all on function public.delete_chat_message(uuid) from public, anon;
grant execute on function public.edit_chat_message(uuid, text) to authenticated, service_role;
grant execute on function public.delete_chat_message(uuid) to authenticated, service_role;
