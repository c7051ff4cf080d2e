-- private.notify() plans its one statement once per connection instead of on every call
-- (issue 24).
--
-- A registration costs PostgreSQL more CPU than any other request of a member app (bench/load.ts
-- --costs), and a fifth of it was planning notify()'s statement (recipients, notifications,
-- email_outbox): pg_stat_statements counted one plan for every call, 0.6 ms each, against 0.5 ms
-- to run it. PL/pgSQL caches a statement's plan, but its plan cache only keeps the generic plan
-- (the one without the call's values) when that plan costs no more than the plans made for the
-- values. notify()'s recipients come as an array, which the generic plan must guess at ten rows
-- while a plan made for the call's one recipient knows it is one: the generic plan always looked
-- dearer, and every call planned again.
--
-- The generic plan is the right one whatever the array holds: it joins each recipient to
-- profiles, users and notification_settings by key, and to notification_preferences by key too
-- once that table holds more than a handful of rows (checked with 120,000; a near-empty one is
-- read by type), so one recipient or a thousand cost their keys' lookups. `plan_cache_mode` on
-- the function makes the cache keep that plan. It applies to the statements run inside notify()
-- too (the triggers on notifications and email_outbox), which are small and alike from call to
-- call.

alter function private.notify(text, uuid[], text, text, jsonb, text, uuid, text, text[])
  set plan_cache_mode = force_generic_plan;
