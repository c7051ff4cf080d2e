-- Save and resume for email invitees (issue 19): account holders keep unfinished answers in
-- survey_drafts; people answering through an email invitation's link (sql/0046) had no such
-- place. The link now saves a draft, the form it opens resumes from it, and submitting removes
-- it.
--
-- The draft is kept in the private schema, reachable only with the invitation's token: the
-- survey's managers read survey_email_invitations, and a half-written answer (in an anonymous
-- survey, beside the invitee's address) is the invitee's alone, like an account holder's draft.

create table private.survey_invitation_drafts (
  invitation_id uuid primary key references public.survey_email_invitations (id) on delete cascade,
  answers jsonb not null,
  updated_at timestamptz not null default now(),
  constraint survey_invitation_drafts_answers check (jsonb_typeof(answers) = 'object')
);

comment on table private.survey_invitation_drafts is
  'An email invitee''s saved, unsubmitted answers (save_survey_progress_by_invitation); removed when they submit. Read and written only through the invitation''s token.';

create function public.save_survey_progress_by_invitation(p_token text, p_answers jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_invitation public.survey_email_invitations := private.survey_invitation_of(p_token);
  v_answers jsonb;
  v_draft private.survey_invitation_drafts;
begin
  perform private.open_survey_for_response(v_invitation.survey_id);
  if v_invitation.responded_at is not null then
    raise exception using errcode = 'PT409', message = 'this invitation has already been answered',
      hint = 'each invitation link answers the survey once';
  end if;
  v_answers := private.checked_survey_answers(v_invitation.survey_id, p_answers, false);
  insert into private.survey_invitation_drafts (invitation_id, answers)
  values (v_invitation.id, v_answers)
  on conflict (invitation_id) do update set answers = excluded.answers, updated_at = now()
  returning * into v_draft;
  return pg_catalog.jsonb_build_object('answers', v_draft.answers, 'updated_at', v_draft.updated_at);
end;
$$;

comment on function public.save_survey_progress_by_invitation(text, jsonb) is
  'Saves an email invitee''s unfinished answers through the invitation''s link, without signing in (each answer checked against its question; required answers and branching wait for the submission). survey_invitation resumes from them. Returns {answers, updated_at}.';

create or replace function public.survey_invitation(p_token text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_invitation public.survey_email_invitations := private.survey_invitation_of(p_token);
  v_draft private.survey_invitation_drafts;
begin
  select * into v_draft from private.survey_invitation_drafts where invitation_id = v_invitation.id;
  -- An empty object rather than null, so survey_form does not look for a signed-in caller's draft.
  return public.survey_form(v_invitation.survey_id, null, null, coalesce(v_draft.answers, '{}'))
    || pg_catalog.jsonb_build_object('email', v_invitation.email, 'answered', v_invitation.responded_at is not null,
      'saved_at', v_draft.updated_at);
end;
$$;

comment on function public.survey_invitation(text) is
  'The survey an email invitation''s link opens, as survey_form() shows it, resumed from the invitee''s saved draft (saved_at, null when none), with the invited address and whether the link was used. No sign-in needed.';

create or replace function public.submit_survey_response_by_invitation(p_token text, p_answers jsonb)
returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_invitation public.survey_email_invitations := private.survey_invitation_of(p_token);
  v_survey public.surveys;
  v_answers jsonb;
  v_response_id uuid;
begin
  v_survey := private.open_survey_for_response(v_invitation.survey_id);
  if v_invitation.responded_at is not null then
    raise exception using errcode = 'PT409', message = 'this invitation has already been answered',
      hint = 'each invitation link answers the survey once';
  end if;
  v_answers := private.checked_survey_answers(v_survey.id, p_answers, true);
  insert into public.survey_responses (survey_id, answers) values (v_survey.id, v_answers)
  returning id into v_response_id;
  update public.survey_email_invitations
  set responded_at = now(), response_id = case when not v_survey.is_anonymous then v_response_id end
  where id = v_invitation.id;
  delete from private.survey_invitation_drafts where invitation_id = v_invitation.id;
  return v_response_id;
end;
$$;

comment on function public.submit_survey_response_by_invitation(text, jsonb) is
  'Submits a response through an email invitation''s link, without signing in: validated like submit_survey_response, once per invitation; removes the invitee''s saved draft. Returns the response''s id.';

revoke all on function public.save_survey_progress_by_invitation(text, jsonb) from public;
grant execute on function public.save_survey_progress_by_invitation(text, jsonb) to anon, authenticated, service_role;
