-- Searching published events by title, at the speed of the events list (issue 24, item 1).
--
-- The SDK searched with `title=ilike.*words*` on the events table. Under RLS that is the slowest
-- request a member app makes: 60 ms and 80% of the database's CPU in the 1,000-member load
-- (bench/load.ts) on 100,000 events. `~~*` is not leakproof, so on a table with RLS PostgreSQL
-- may neither read the column's statistics for it (it guessed 2 matches among the 23,000 upcoming
-- published events when 2,900 matched) nor use events_title_trgm. With the guess it filtered
-- every upcoming event, joined each match to its organizer and only then sorted and cut the page.
-- Full-text search and pg_trgm's operators are not leakproof either, and marking them so needs a
-- superuser, which hosted Supabase does not give.
--
-- Published events are readable by every role (the read policies of 0003 let anon see anything
-- but drafts), so the search itself may run without RLS without showing anyone more: a private
-- definer function finds the page's ids among published events only, planned with the search's
-- real text (EXECUTE), so the planner estimates from statistics and chooses between walking
-- events_published_starts_at_idx in order until the page is full (common words) and the trigram
-- index (rare ones). public.search_events then reads those rows as the caller, under RLS.

create function private.published_event_ids_matching(
  p_search text,
  p_starts_from timestamptz,
  p_max_rows integer
)
returns uuid[]
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_ids uuid[];
begin
  -- The caller's words match as typed: LIKE's wildcards and escape character are escaped.
  execute $query$
    select coalesce(array_agg(id order by starts_at, id), '{}')
    from (
      select e.id, e.starts_at
      from public.events e
      where e.status = 'published'
        and e.starts_at >= $2
        and e.title ilike $1
      order by e.starts_at, e.id
      limit $3
    ) page
  $query$
  into v_ids
  using '%' || replace(replace(replace(p_search, '\', '\\'), '%', '\%'), '_', '\_') || '%',
    coalesce(p_starts_from, '-infinity'),
    p_max_rows;
  return v_ids;
end;
$$;

comment on function private.published_event_ids_matching(text, timestamptz, integer) is
  'The ids of up to p_max_rows published events whose title contains p_search (as typed), from p_starts_from, soonest first: search_events'' search, without RLS, over rows every role may read. Granted to anon and authenticated because search_events() runs as the caller.';

revoke all on function private.published_event_ids_matching(text, timestamptz, integer) from public;
grant execute on function private.published_event_ids_matching(text, timestamptz, integer)
  to anon, authenticated, service_role;

create function public.search_events(
  search text,
  starts_from timestamptz default null,
  max_rows integer default 50
)
returns setof public.events
language plpgsql
stable
set search_path = ''
as $$
declare
  v_ids uuid[];
begin
  if search is null or btrim(search) = '' then
    raise exception using errcode = '22023', message = 'search needs at least one character';
  end if;
  if char_length(search) > 250 then
    raise exception using errcode = '22023', message = 'search is longer than any title',
      hint = 'titles have at most 250 characters';
  end if;
  if max_rows is null or max_rows not between 1 and 1000 then
    raise exception using errcode = '22023', message = 'max_rows must be between 1 and 1000';
  end if;
  -- Found first, into a variable: written into the query, the planner would run the search
  -- once more to estimate how many ids it returns.
  v_ids := private.published_event_ids_matching(search, starts_from, max_rows);
  return query
    select e.*
    from public.events e
    where e.id = any (v_ids)
    order by e.starts_at, e.id;
end;
$$;

revoke all on function public.search_events(text, timestamptz, integer) from public;
grant execute on function public.search_events(text, timestamptz, integer)
  to anon, authenticated, service_role;

comment on function public.search_events(text, timestamptz, integer) is
  'Published events whose title contains search (case-insensitive, wildcards taken literally), starting at or after starts_from (any time if null), soonest first, at most max_rows (1–1000). Embeds work as on the events table (select=*,organization:organizations(...)). Use it rather than title=ilike on events: under RLS that cannot use statistics or the title index.';
