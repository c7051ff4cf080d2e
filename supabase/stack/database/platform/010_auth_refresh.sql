-- The write half of the refresh_token grant (supabase/stack/auth/sessions.ts) as one function, so
-- that a refresh is one round trip to the database rather than a dozen: GoTrue's transaction after
-- its checks outside one (the token, its user and session found, the user not banned, the session
-- not expired). Local only: hosted Supabase runs GoTrue, so this lives in the stack's own schema,
-- callable by the role the auth service connects as and by no one else.
--
-- A single call is its own transaction, so a refused reuse keeps the family's revocation (GoTrue's
-- NewCommitWithError) and a failure leaves nothing half-written.

grant usage on schema pitlane_stack to supabase_auth_admin;

create or replace function pitlane_stack.refresh_token_swap(
  presented text,
  child text,
  rotation boolean,
  reuse_interval_seconds integer,
  client_ip text,
  client_user_agent text,
  refreshed_entry json,
  revoked_entry json
)
returns table (outcome text, issued text, user_updated_at timestamptz)
language plpgsql
set search_path = ''
as $function$
declare
  locked_session uuid;
  token auth.refresh_tokens;
  active auth.refresh_tokens;
begin
  -- Locks the session, so that two refreshes of one token are answered one after the other: the
  -- second reads the token again below, once the first has committed.
  select s.id into locked_session
    from auth.refresh_tokens rt join auth.sessions s on s.id = rt.session_id
   where rt.token = presented
     for update of s;
  if locked_session is null then
    -- Gone since the caller looked: a sign-out or a deleted user took the session with it.
    return query select 'refresh_token_not_found', null::text, null::timestamptz;
    return;
  end if;
  select * into token from auth.refresh_tokens rt where rt.token = presented;

  if token.revoked then
    select * into active from auth.refresh_tokens rt
     where rt.session_id = locked_session and not rt.revoked
     order by rt.id desc limit 1;
    if active.parent = token.token then
      -- The client lost the answer to its last refresh: it gets the same child again.
      issued := active.token;
    elsif now() > token.updated_at + make_interval(secs => reuse_interval_seconds) then
      if rotation then
        update auth.refresh_tokens rt set revoked = true, updated_at = now()
         where rt.session_id = locked_session and not rt.revoked;
      end if;
      return query select 'refresh_token_already_used', null::text, null::timestamptz;
      return;
    end if;
  end if;

  insert into auth.audit_log_entries (instance_id, id, payload, created_at, ip_address)
  values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), refreshed_entry, now(), client_ip);
  if issued is null then
    -- GoTrue's GrantRefreshTokenSwap: the presented token is revoked and a child takes its place.
    insert into auth.audit_log_entries (instance_id, id, payload, created_at, ip_address)
    values ('00000000-0000-0000-0000-000000000000', gen_random_uuid(), revoked_entry, now(), client_ip);
    update auth.refresh_tokens rt set revoked = true, updated_at = now() where rt.id = token.id;
    insert into auth.refresh_tokens (instance_id, token, user_id, parent, session_id, revoked, created_at, updated_at)
    values ('00000000-0000-0000-0000-000000000000', child, token.user_id, token.token, locked_session, false, now(), now());
    -- GoTrue's UpdateLastSignInAt writes back the user's last_sign_in_at unchanged; only
    -- updated_at moves.
    update auth.users u set updated_at = now() where u.id = token.user_id::uuid
    returning u.updated_at into user_updated_at;
    issued := child;
  end if;
  update auth.sessions s
     set refreshed_at = now(), user_agent = client_user_agent, ip = nullif(client_ip, '')::inet, updated_at = now()
   where s.id = locked_session;
  return query select 'ok', issued, user_updated_at;
end;
$function$;

comment on function pitlane_stack.refresh_token_swap(text, text, boolean, integer, text, text, json, json) is
  'The local stack''s refresh_token grant after its checks: GoTrue''s rotation, lost-response and reuse-interval rules, the audit entries and the session''s refresh info, in one call.';

revoke all on function pitlane_stack.refresh_token_swap(text, text, boolean, integer, text, text, json, json) from public;
grant execute on function pitlane_stack.refresh_token_swap(text, text, boolean, integer, text, text, json, json) to supabase_auth_admin;
