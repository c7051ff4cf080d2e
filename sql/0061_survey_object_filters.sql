-- Survey follow-ups (issue 19):
--
--   * Results by event: responses are about an event, one of its sessions or one registration
--     to it (sql/0045_survey_objects.sql), but filtering the analytics by the event matched only
--     the responses about the event itself. An organizer asking for an event's results now gets
--     all three; filtering by a session or a registration still matches exactly that object.
--     The export takes the same filter.
--   * The 409 for a structural change to an opened survey points at new_survey_version().

-- Whether a response about (p_kind, p_id) falls under the filter (p_object_kind, p_object_id):
-- the same object, or, for an event, one of its sessions or registrations. A null p_object_id
-- matches every object of the kind (for events, every session and registration too). Callers
-- test "p_object_kind is null" first, so an unfiltered result (the 100,000-response benchmark)
-- makes no call per response.
create function private.survey_response_is_about(p_kind text, p_id uuid, p_object_kind text, p_object_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select p_object_kind is null
    or (p_kind = p_object_kind and (p_object_id is null or p_id = p_object_id))
    or (p_object_kind = 'event' and p_kind = 'event_session'
        and (p_object_id is null or exists (select 1 from public.event_sessions where id = p_id and event_id = p_object_id)))
    or (p_object_kind = 'event' and p_kind = 'event_registration'
        and (p_object_id is null or exists (select 1 from public.event_registrations where id = p_id and event_id = p_object_id)))
$$;

revoke all on function private.survey_response_is_about(text, uuid, text, uuid) from public;

-- A filter names a kind surveys are answered about, and an id only with its kind.
create function private.check_survey_filter(p_object_kind text, p_object_id uuid)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
  if p_object_id is not null and p_object_kind is null then
    raise exception using errcode = '22023', message = 'give the object''s kind with its id';
  end if;
  if p_object_kind not in ('event', 'event_session', 'event_registration', 'course') then
    raise exception using errcode = '22023', message = pg_catalog.format('surveys are not answered about a %s', p_object_kind),
      hint = 'filter by an event, event_session, event_registration or course';
  end if;
end;
$$;

revoke all on function private.check_survey_filter(text, uuid) from public;

create or replace function public.survey_question_summaries(
  p_survey_id uuid,
  p_object_kind text default null,
  p_object_id uuid default null,
  p_from timestamptz default null,
  p_to timestamptz default null,
  p_where jsonb default null
)
returns table (
  question_key text,
  question_type public.survey_question_type,
  question_text text,
  responses integer,
  answered integer,
  summary jsonb
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_problem text;
  v_counted_keys text[];
  v_total integer;
begin
  perform private.require_survey_manager(p_survey_id);
  perform private.check_survey_filter(p_object_kind, p_object_id);
  select pg_catalog.array_agg(q.key) into v_counted_keys
  from public.survey_questions q
  where q.survey_id = p_survey_id and q.question_type not in ('short_text', 'long_text', 'date', 'file_upload');
  if p_where is not null then
    v_problem := private.survey_condition_problem(p_where,
      (select pg_catalog.array_agg(key) from public.survey_questions where survey_id = p_survey_id));
    if v_problem is not null then
      raise exception using errcode = '22023', message = 'filter: ' || v_problem;
    end if;
  end if;
  -- Two passes over the chosen responses whatever the number of questions: answers counted per
  -- question, and answer tokens (an option, a number, true/false, row=column, an "other" text)
  -- counted per question; each summary is then built from its few tokens. Free-text answers are
  -- listed newest first, the latest 100.
  return query
    -- Not materialized: each pass streams the responses again rather than spilling their
    -- answers to a temporary file.
    with chosen as not materialized (
      select r.answers, r.submitted_at
      from public.survey_responses r
      where r.survey_id = p_survey_id
        and (p_object_kind is null or private.survey_response_is_about(r.object_kind, r.object_id, p_object_kind, p_object_id))
        and (p_from is null or r.submitted_at >= p_from)
        and (p_to is null or r.submitted_at < p_to)
        and (p_where is null or private.survey_condition_met(p_where, r.answers))
    ),
    answered_per_key as materialized (
      select e.key, pg_catalog.count(*)::integer as n
      from chosen cross join lateral pg_catalog.jsonb_each(chosen.answers) as e
      group by e.key
    ),
    counted as not materialized (
      select e.key, e.value
      from chosen cross join lateral pg_catalog.jsonb_each(chosen.answers) as e
      where e.key = any (v_counted_keys)
    ),
    tokens as materialized (
      -- Scalars (options, numbers, true/false) directly; lists, "other" objects and matrices
      -- taken apart.
      select c.key, c.value #>> '{}' as token, false as is_other, pg_catalog.count(*)::integer as n
      from counted c where pg_catalog.jsonb_typeof(c.value) not in ('array', 'object')
      group by 1, 2
      union all
      select c.key, t.token, t.is_other, pg_catalog.count(*)::integer
      from counted c
      cross join lateral (
        select coalesce(x ->> 'other', x #>> '{}') as token, pg_catalog.jsonb_typeof(x) = 'object' as is_other
        from pg_catalog.jsonb_array_elements(case when pg_catalog.jsonb_typeof(c.value) = 'array' then c.value else '[]' end) as x
        union all
        select m.key || '=' || (m.value #>> '{}'), false
        from pg_catalog.jsonb_each(case when pg_catalog.jsonb_typeof(c.value) = 'object' and not c.value ? 'other' then c.value else '{}' end) as m
        union all
        select c.value ->> 'other', true where pg_catalog.jsonb_typeof(c.value) = 'object' and c.value ? 'other'
      ) as t
      where pg_catalog.jsonb_typeof(c.value) in ('array', 'object')
      group by 1, 2, 3
    )
    select (o.question).key, (o.question).question_type, (o.question).text,
      (select pg_catalog.count(*)::integer from chosen),
      coalesce(a.n, 0),
      private.survey_question_summary(o.question, coalesce(a.n, 0),
        coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_array(t.token, t.is_other, t.n)) from tokens t where t.key = (o.question).key), '[]'),
        case when (o.question).question_type in ('short_text', 'long_text', 'date', 'file_upload') then coalesce((
          select pg_catalog.jsonb_agg(x.answer order by x.submitted_at desc)
          from (select c.answers ->> (o.question).key as answer, c.submitted_at from chosen c
                where c.answers ? (o.question).key order by c.submitted_at desc limit 100) as x), '[]') end)
    from private.ordered_survey_questions(p_survey_id) as o
    left join answered_per_key a on a.key = (o.question).key
    order by o.ordinal;
end;
$$;

comment on function public.survey_question_summaries(uuid, text, uuid, timestamptz, timestamptz, jsonb) is
  'Per question of a survey, over its responses filtered by object (an event''s take in those about its sessions and registrations), submission time [p_from, p_to) and a condition on answers (p_where, the branching grammar: a cross-tab): counts and percentages per option, average and distribution of scales, the NPS score, the latest 100 text answers. Managers only.';

-- The export takes the results' filter: a new signature, so the old one goes.
drop function public.export_survey_responses(uuid, text);

create function public.export_survey_responses(
  p_survey_id uuid,
  p_format text default 'csv',
  p_object_kind text default null,
  p_object_id uuid default null
)
returns text
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_survey public.surveys;
  v_keys text[];
  v_columns text[] := array['response_id', 'submitted_at', 'respondent_id', 'object_kind', 'object_id'];
begin
  if p_format is null or p_format not in ('csv', 'json') then
    raise exception using errcode = '22023', message = 'the format is csv or json';
  end if;
  v_survey := private.require_survey_manager(p_survey_id);
  perform private.check_survey_filter(p_object_kind, p_object_id);
  select pg_catalog.array_agg((o.question).key order by o.ordinal) into v_keys
  from private.ordered_survey_questions(p_survey_id) as o;

  if p_format = 'json' then
    return coalesce((
      select pg_catalog.jsonb_agg(
        pg_catalog.jsonb_build_object('response_id', r.id, 'submitted_at', r.submitted_at, 'respondent_id', r.respondent_id,
          'object_kind', r.object_kind, 'object_id', r.object_id)
        || coalesce((select pg_catalog.jsonb_object_agg(k, coalesce(r.answers -> k, 'null'::jsonb)) from pg_catalog.unnest(v_keys) as k), '{}')
        order by r.submitted_at, r.id)
      from public.survey_responses r
      where r.survey_id = p_survey_id and (p_object_kind is null or private.survey_response_is_about(r.object_kind, r.object_id, p_object_kind, p_object_id))), '[]')::text;
  end if;

  return (select pg_catalog.string_agg(line, E'\r\n' order by n) || E'\r\n' from (
    select 0 as n, pg_catalog.array_to_string(
      array(select private.csv_field(c) from pg_catalog.unnest(v_columns || v_keys) as c), ',') as line
    union all
    select pg_catalog.row_number() over (order by r.submitted_at, r.id), pg_catalog.array_to_string(
      array[private.csv_field(r.id::text),
            private.csv_field(pg_catalog.to_char(r.submitted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
            private.csv_field(r.respondent_id::text), private.csv_field(r.object_kind), private.csv_field(r.object_id::text)]
      || array(select private.csv_field(private.survey_answer_cell(r.answers -> k)) from pg_catalog.unnest(v_keys) with ordinality as u (k, i) order by i),
      ',')
    from public.survey_responses r
      where r.survey_id = p_survey_id and (p_object_kind is null or private.survey_response_is_about(r.object_kind, r.object_id, p_object_kind, p_object_id))) as lines);
end;
$$;

comment on function public.export_survey_responses(uuid, text, text, uuid) is
  'A survey''s responses as CSV (RFC 4180, header first) or a JSON array: one row per response, response_id, submitted_at, respondent_id (empty when anonymous), object_kind, object_id, then one column per question named by its key, in question order; filtered by object like survey_question_summaries when p_object_kind is given. Managers only.';

revoke all on function public.export_survey_responses(uuid, text, text, uuid) from public, anon;
grant execute on function public.export_survey_responses(uuid, text, text, uuid) to authenticated, service_role;

create or replace function private.guard_survey_design()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_published_at timestamptz;
  v_row jsonb := pg_catalog.to_jsonb(coalesce(new, old));
begin
  select published_at into v_published_at
  from public.surveys
  where id = coalesce((v_row ->> 'survey_id')::uuid,
    (select q.survey_id from public.survey_questions q where q.id = (v_row ->> 'question_id')::uuid));
  if not found or v_published_at is null then
    return coalesce(new, old);
  end if;
  if tg_op = 'UPDATE'
    and (pg_catalog.to_jsonb(new) - tg_argv) = (pg_catalog.to_jsonb(old) - tg_argv) then
    return new;
  end if;
  raise exception using errcode = 'PT409',
    message = 'this survey has been opened: its questions can be reworded but not added, removed or changed',
    hint = pg_catalog.format('only %s may change; make other changes in a new version (new_survey_version())', pg_catalog.array_to_string(tg_argv, ', '));
end;
$$;
