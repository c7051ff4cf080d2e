-- realtime.visible_rows (012) takes its callers as text, each caller's JWT claims as a JSON object on
-- a line of its own, instead of a jsonb array of {role, claims, sub} whose claims were JSON strings
-- within it. That list's literal was lexed escape by escape, parsed, printed and parsed again on its
-- way to the loop: for 250 callers a check took 10.5-11.8 ms of the backend's CPU, and takes
-- 8.2-8.5 ms this way (measured side by side). JSON text holds no raw line break, so the lines split
-- without parsing, and each caller's role and sub are read from its claims (as Realtime's
-- subscriptions keep a role from claims->>'role'); a sub that is not a string is empty, as the
-- stack's other services set it. Results as before: one entry per caller. Like every platform file
-- it can run again: the old signature is dropped only if it is still there.

set local role supabase_admin;

drop function if exists realtime.visible_rows(oid, jsonb, jsonb);

create or replace function realtime.visible_rows(relation oid, keys jsonb, callers text)
returns jsonb
language plpgsql
as $function$
declare
  target text;
  key_names text;
  key_match text;
  key_types text[];
  key_rows text;
begin
  select pg_catalog.format('%I.%I', n.nspname, c.relname) into target
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
   where c.oid = relation;
  select pg_catalog.string_agg(pg_catalog.format('%I', 'key' || key.i), ', ' order by key.i),
         pg_catalog.string_agg(pg_catalog.format('t.%I = k.%I', a.attname, 'key' || key.i), ' and ' order by key.i),
         pg_catalog.array_agg(pg_catalog.format_type(a.atttypid, a.atttypmod) order by key.i)
    into key_names, key_match, key_types
    from pg_catalog.pg_constraint pk
    cross join lateral (select a.attnum, row_number() over (order by a.attnum) as i
                          from pg_catalog.pg_attribute a
                         where a.attrelid = relation and a.attnum = any(pk.conkey)) as key
    join pg_catalog.pg_attribute a on a.attrelid = relation and a.attnum = key.attnum
   where pk.conrelid = relation and pk.contype = 'p';
  if target is null or key_match is null then
    raise exception 'realtime.visible_rows: % is not a table with a primary key', relation using errcode = '22023';
  end if;
  -- Each row as (position, key values as literals cast to the key columns' types). A value with a
  -- dollar sign could end the dollar-quoted block it goes in, so it goes in as hex.
  select pg_catalog.string_agg(pg_catalog.format('(%s, %s)', e.n,
           (select pg_catalog.string_agg(
                     case when pg_catalog.strpos(e.v->>(t.i::int - 1), '$') = 0
                          then pg_catalog.format('%L::%s', e.v->>(t.i::int - 1), t.type)
                          else pg_catalog.format('pg_catalog.convert_from(pg_catalog.decode(%L, ''hex''), ''UTF8'')::%s',
                                                 pg_catalog.encode(pg_catalog.convert_to(e.v->>(t.i::int - 1), 'UTF8'), 'hex'), t.type)
                     end, ', ' order by t.i)
              from pg_catalog.unnest(key_types) with ordinality as t(type, i))), ', ' order by e.n)
    into key_rows
    from pg_catalog.jsonb_array_elements(keys) with ordinality as e(v, n);
  if key_rows is null then
    return (select coalesce(pg_catalog.jsonb_agg('[]'::jsonb), '[]') from pg_catalog.unnest(pg_catalog.string_to_array(callers, E'\n')));
  end if;
  perform pg_catalog.set_config('pitlane.rls_callers', callers, true);
  execute pg_catalog.format($do$
    do $loop$
    declare
      roles text[];
      claims text[];
      subs text[];
      caller_count int;
      caller int := 1;
      current_role_name text;
      visible jsonb;
      verdicts jsonb[] := '{}';
      detail text;
      hint text;
      ignored text;
    begin
      select pg_catalog.array_agg(p.j->>'role' order by e.n), pg_catalog.array_agg(e.c order by e.n),
             pg_catalog.array_agg(case pg_catalog.json_typeof(p.j->'sub') when 'string' then p.j->>'sub' else '' end order by e.n),
             pg_catalog.count(*)
        into roles, claims, subs, caller_count
        from pg_catalog.unnest(pg_catalog.string_to_array(pg_catalog.current_setting('pitlane.rls_callers'), E'\n')) with ordinality as e(c, n)
        cross join lateral (select e.c::pg_catalog.json as j) as p;
      ignored := pg_catalog.set_config('realtime.topic', '', true);
      ignored := pg_catalog.set_config('request.headers', '{}', true);
      ignored := pg_catalog.set_config('enable_seqscan', 'off', true);
      while caller <= caller_count loop
        begin
          while caller <= caller_count loop
            if current_role_name is distinct from roles[caller] then
              current_role_name := roles[caller];
              ignored := pg_catalog.set_config('role', current_role_name, true);
              ignored := pg_catalog.set_config('request.jwt.claim.role', current_role_name, true);
            end if;
            ignored := pg_catalog.set_config('request.jwt.claims', claims[caller], true);
            ignored := pg_catalog.set_config('request.jwt.claim.sub', subs[caller], true);
            select coalesce(pg_catalog.jsonb_agg(k.n), '[]') into visible
              from (values %s) as k(n, %s)
              cross join lateral (select from %s t where %s limit 1) as found;
            verdicts := pg_catalog.array_append(verdicts, visible);
            caller := caller + 1;
          end loop;
        exception when others then
          get stacked diagnostics detail = pg_exception_detail, hint = pg_exception_hint;
          verdicts := pg_catalog.array_append(verdicts, pg_catalog.to_jsonb(pg_catalog.concat_ws('; ', sqlerrm, 'detail: ' || nullif(detail, ''), 'hint: ' || nullif(hint, ''))));
          caller := caller + 1;
          -- Undoing the subtransaction may have undone the role switch: set it again for the next.
          current_role_name := null;
        end;
      end loop;
      perform pg_catalog.set_config('pitlane.rls_verdicts', pg_catalog.to_jsonb(verdicts)::text, true);
    end
    $loop$
  $do$, key_rows, key_names, target, key_match);
  return pg_catalog.current_setting('pitlane.rls_verdicts')::jsonb;
end
$function$;

comment on function realtime.visible_rows(oid, jsonb, text) is
  'The local stack''s postgres_changes RLS check (Supabase Realtime''s realtime.apply_rls does the same upstream): for keys, an array of primary-key value arrays of rows of relation (as text, in key column order), and callers, the callers'' JWT claims as JSON objects, one a line, returns one entry per caller: the 1-based positions of the rows it may SELECT, or the text of the error its check raised. Run it in a transaction that is rolled back: it switches roles.';

revoke all on function realtime.visible_rows(oid, jsonb, text) from public, postgres, dashboard_user;

reset role;
