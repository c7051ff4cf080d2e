-- Row level security for postgres_changes, where Supabase Realtime keeps its own check
-- (realtime.apply_rls): which rows of one table each subscriber may SELECT, every subscriber of a
-- batch of changes in one call.

set local role supabase_admin;

-- Each caller is switched to in turn (role, claims and the settings Realtime sets, as in
-- realtime/identity.ts) and each row looked up by primary key under that caller's policies. The
-- lookup is a loop in a DO block generated for the table, not EXECUTE per caller: its query plan is
-- then cached across callers (PostgreSQL replans it when the role changes), which kept delivery to
-- 100 signed-in subscribers within Realtime's 50 ms (bench/realtime.ts). The callers, whose claims
-- a user can partly choose, reach the loop only as the value of a setting, never as its code. A
-- caller whose check fails gets its error text instead of its rows; the others are unaffected.
-- No fixed search_path: the policies run as they do for the caller's own queries.
create or replace function realtime.visible_rows(relation oid, keys jsonb, callers jsonb)
returns jsonb
language plpgsql
as $function$
declare
  target text;
  key_match text;
begin
  select pg_catalog.format('%I.%I', n.nspname, c.relname) into target
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where c.oid = relation;
  select pg_catalog.string_agg(pg_catalog.format('t.%I = (k.v->>%s)::%s', a.attname, key.i - 1, pg_catalog.format_type(a.atttypid, a.atttypmod)), ' and ' order by key.i)
    into key_match
    from pg_catalog.pg_constraint pk
    cross join lateral (select a.attnum, row_number() over (order by a.attnum) as i
                          from pg_catalog.pg_attribute a
                         where a.attrelid = relation and a.attnum = any(pk.conkey)) as key
    join pg_catalog.pg_attribute a on a.attrelid = relation and a.attnum = key.attnum
   where pk.conrelid = relation and pk.contype = 'p';
  if target is null or key_match is null then
    raise exception 'realtime.visible_rows: % is not a table with a primary key', relation using errcode = '22023';
  end if;
  perform pg_catalog.set_config('pitlane.rls_callers', callers::text, true),
          pg_catalog.set_config('pitlane.rls_keys', keys::text, true);
  execute pg_catalog.format($do$
    do $loop$
    declare
      who jsonb;
      keys constant jsonb := pg_catalog.current_setting('pitlane.rls_keys')::jsonb;
      verdicts jsonb[] := '{}';
      detail text;
      hint text;
    begin
      for who in select value from pg_catalog.jsonb_array_elements(pg_catalog.current_setting('pitlane.rls_callers')::jsonb) loop
        begin
          perform pg_catalog.set_config('role', who->>'role', true),
                  pg_catalog.set_config('request.jwt.claims', who->>'claims', true),
                  pg_catalog.set_config('request.jwt.claim.sub', who->>'sub', true),
                  pg_catalog.set_config('request.jwt.claim.role', who->>'role', true),
                  pg_catalog.set_config('realtime.topic', '', true),
                  pg_catalog.set_config('request.headers', '{}', true);
          verdicts := pg_catalog.array_append(verdicts, (
            select coalesce(pg_catalog.jsonb_agg(k.n), '[]') from pg_catalog.jsonb_array_elements(keys) with ordinality as k(v, n)
             where exists (select 1 from %s t where %s)));
        exception when others then
          get stacked diagnostics detail = pg_exception_detail, hint = pg_exception_hint;
          verdicts := pg_catalog.array_append(verdicts, pg_catalog.to_jsonb(pg_catalog.concat_ws('; ', sqlerrm, 'detail: ' || nullif(detail, ''), 'hint: ' || nullif(hint, ''))));
        end;
      end loop;
      perform pg_catalog.set_config('pitlane.rls_verdicts', pg_catalog.to_jsonb(verdicts)::text, true);
    end
    $loop$
  $do$, target, key_match);
  return pg_catalog.current_setting('pitlane.rls_verdicts')::jsonb;
end
$function$;

comment on function realtime.visible_rows(oid, jsonb, jsonb) is
  'The local stack''s postgres_changes RLS check (Supabase Realtime''s realtime.apply_rls does the same upstream): for keys, an array of primary-key value arrays of rows of relation (as text, in key column order), and callers, an array of {role, claims, sub}, returns one entry per caller: the 1-based positions of the rows it may SELECT, or the text of the error its check raised. Run it in a transaction that is rolled back: it switches roles.';

revoke all on function realtime.visible_rows(oid, jsonb, jsonb) from public, postgres, dashboard_user;

reset role;
