-- The events list under RLS: an index the planner can use for `status = 'published'`.
--
-- The list every app shows (events.list() in the SDK: status=eq.published, starts_at=gte.<now>,
-- order=starts_at, limit) was a sequential scan of every event for `anon` and `authenticated`
-- (0.8 s on 100,000 events; bench/load.ts --plans). The cause is RLS's order of evaluation:
-- PostgreSQL uses a query's condition as an index condition ahead of the row's policy only when
-- its operator is leakproof, and enum equality (`enum_eq`) is not, so events_status_starts_at_idx
-- (status, starts_at) gave no usable index condition. A partial index on starts_at for published
-- events is usable: the planner proves its predicate from the query's status condition without
-- running it on any row, and starts_at's `>=` is leakproof; it also reads rows in the list's order,
-- so a page stops after its limit. The same predicate proves the read policy's `status <> 'draft'`,
-- so the policy costs nothing on those rows.
--
-- Marking enum_eq leakproof would fix it for every enum, but needs a superuser and is not ours to
-- change on hosted Supabase. events_status_starts_at_idx stays: the service role's jobs (no RLS)
-- use it with other statuses.

create index events_published_starts_at_idx on public.events (starts_at) where status = 'published';

comment on index public.events_published_starts_at_idx is
  'Published events by start, for the events list under RLS: enum equality is not leakproof, so (status, starts_at) gives no index condition there; this partial index does.';
