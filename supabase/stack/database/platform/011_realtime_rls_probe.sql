-- realtime.visible_rows (007, 009), cheaper per caller; same signature and results.
-- - Each row is looked up by a LATERAL subquery with LIMIT 1, with sequential scans off, so the plan
--   is one primary-key probe per row. 009's join let the planner hash the whole table for every
--   caller when it thought the table small (a few thousand rows), and a plain lookup lets it scan a
--   table of a few hundred: for 500 callers and a 1,000-row table the check took a quarter of the
--   CPU time, for a 200-row table about half (measured on the backend). The setting also reaches
--   the policies' own lookups, which Supabase's advice (index every policy column) makes probes too;
--   a lookup with no index to use still scans. It is transaction-local, and the check's transaction
--   is rolled back.
-- - The row count is collected into a variable and then appended: an expression that reads the
--   verdicts array passes all of it to the query as a parameter, once per caller.
-- - The settings that are the same for every caller are set once, and the role only when it
--   changes from the caller before.

set local role supabase_admin;

create or replace function realtime.visible_rows(relation oid, keys jsonb, callers jsonb)
returns jsonb
language plpgsql
as $function$
declare
  target text;
  key_values text;
  key_match text;
begin
  select pg_catalog.format('%I.%I', n.nspname, c.relname) into target
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where c.oid = relation;
  select pg_catalog.string_agg(pg_catalog.format('(e.v->>%s)::%s as %I', key.i - 1, pg_catalog.format_type(a.atttypid, a.atttypmod), 'key' || key.i), ', ' order by key.i),
         pg_catalog.string_agg(pg_catalog.format('t.%I = k.%I', a.attname, 'key' || key.i), ' and ' order by key.i)
    into key_values, key_match
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
      current_role_name text;
      keys constant jsonb := pg_catalog.current_setting('pitlane.rls_keys')::jsonb;
      visible jsonb;
      verdicts jsonb[] := '{}';
      detail text;
      hint text;
    begin
      perform pg_catalog.set_config('realtime.topic', '', true),
              pg_catalog.set_config('request.headers', '{}', true),
              pg_catalog.set_config('enable_seqscan', 'off', true);
      for who in select value from pg_catalog.jsonb_array_elements(pg_catalog.current_setting('pitlane.rls_callers')::jsonb) loop
        begin
          if current_role_name is distinct from who->>'role' then
            current_role_name := who->>'role';
            perform pg_catalog.set_config('role', current_role_name, true),
                    pg_catalog.set_config('request.jwt.claim.role', current_role_name, true);
          end if;
          perform pg_catalog.set_config('request.jwt.claims', who->>'claims', true),
                  pg_catalog.set_config('request.jwt.claim.sub', who->>'sub', true);
          select coalesce(pg_catalog.jsonb_agg(k.n), '[]') into visible
            from (select e.n, %s from pg_catalog.jsonb_array_elements(keys) with ordinality as e(v, n)) as k
            cross join lateral (select from %s t where %s limit 1) as found;
          verdicts := pg_catalog.array_append(verdicts, visible);
        exception when others then
          get stacked diagnostics detail = pg_exception_detail, hint = pg_exception_hint;
          verdicts := pg_catalog.array_append(verdicts, pg_catalog.to_jsonb(pg_catalog.concat_ws('; ', sqlerrm, 'detail: ' || nullif(detail, ''), 'hint: ' || nullif(hint, ''))));
          -- The failed caller's role may or may not have been set: set it again for the next.
          current_role_name := null;
        end;
      end loop;
      perform pg_catalog.set_config('pitlane.rls_verdicts', pg_catalog.to_jsonb(verdicts)::text, true);
    end
    $loop$
  $do$, key_values, target, key_match);
  return pg_catalog.current_setting('pitlane.rls_verdicts')::jsonb;
end
$function$;

comment on function realtime.visible_rows(oid, jsonb, jsonb) is
  'The local stack''s postgres_changes RLS check (Supabase Realtime''s realtime.apply_rls does the same upstream): for keys, an array of primary-key value arrays of rows of relation (as text, in key column order), and callers, an array of {role, claims, sub}, returns one entry per caller: the 1-based positions of the rows it may SELECT, or the text of the error its check raised. Run it in a transaction that is rolled back: it switches roles.';

revoke all on function realtime.visible_rows(oid, jsonb, jsonb) from public, postgres, dashboard_user;

reset role;
