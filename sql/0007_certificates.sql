-- Certificates: per-organization templates; a certificate for an attended event registration or
-- a completed course enrollment, with a human number and an unguessable verification code;
-- expiry, revocation, re-issue per CPD cycle; public verification by code; an Open Badges 3.0
-- export.
--
-- The PDF is made by the `certificates` edge function (pdf-lib), which this migration prepares
-- for: it calls issue_certificate() / issue_event_certificates() (as the user, so the rules here
-- apply), certificate_document() for everything to print (body with placeholders filled in,
-- colours, signature image path, number, code, verification URL), uploads the PDF to the private
-- `certificates` bucket at certificates.pdf_path's convention `<organization id | platform>/<certificate id>.pdf`
-- and records it with attach_certificate_pdf() (service role). Certificates without a PDF yet are
-- those with pdf_path is null.

create table public.certificate_templates (
  id uuid primary key default gen_random_uuid(),
  organization_id uuid references public.organizations (id) on delete cascade,
  name text not null,
  title text not null default 'Certificate of Attendance',
  body text not null default 'This certifies that {{holder_name}} attended {{title}} on {{date}}.',
  primary_color text not null default '#1F2937',
  accent_color text not null default '#B91C1C',
  background_path text,
  signature_image_path text,
  signatory_name text,
  signatory_title text,
  validity_months integer,
  is_default boolean not null default false,
  created_by uuid default auth.uid() references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint certificate_templates_name_length check (char_length(name) between 1 and 120),
  constraint certificate_templates_title_length check (char_length(title) between 1 and 200),
  constraint certificate_templates_body_length check (char_length(body) between 1 and 4000),
  constraint certificate_templates_colors check (primary_color ~ '^#[0-9A-Fa-f]{6}$' and accent_color ~ '^#[0-9A-Fa-f]{6}$'),
  constraint certificate_templates_validity check (validity_months between 1 and 240)
);

comment on table public.certificate_templates is
  'How an organization''s certificates look. body takes {{holder_name}}, {{title}}, {{date}}, {{organization}}, {{credits}}, {{certificate_number}}, {{verification_code}}, {{verification_url}}. Images are objects in the certificates bucket under <organization id>/templates/.';
comment on column public.certificate_templates.validity_months is 'Certificates expire this many months after issue; null never.';

create index certificate_templates_organization_id_idx on public.certificate_templates (organization_id);
create index certificate_templates_created_by_idx on public.certificate_templates (created_by);
create unique index certificate_templates_one_default
  on public.certificate_templates (organization_id)
  nulls not distinct
  where is_default;

create trigger certificate_templates_updated_at
  before update on public.certificate_templates
  for each row execute function extensions.moddatetime(updated_at);

alter table public.events add column certificate_template_id uuid references public.certificate_templates (id) on delete set null;
alter table public.courses add column certificate_template_id uuid references public.certificate_templates (id) on delete set null;

create index events_certificate_template_id_idx on public.events (certificate_template_id);
create index courses_certificate_template_id_idx on public.courses (certificate_template_id);

create sequence private.certificate_number_seq;

create table public.certificates (
  id uuid primary key default gen_random_uuid(),
  certificate_number text not null,
  verification_code text not null,
  organization_id uuid references public.organizations (id) on delete restrict,
  template_id uuid references public.certificate_templates (id) on delete set null,
  holder_id uuid not null references public.profiles (id) on delete cascade,
  holder_name text not null,
  registration_id uuid references public.event_registrations (id) on delete restrict,
  enrollment_id uuid references public.course_enrollments (id) on delete restrict,
  title text not null,
  achieved_at timestamptz not null,
  cpd_credits numeric(6, 2) not null default 0,
  cpd_cycle text,
  reissue_of uuid references public.certificates (id) on delete set null,
  issued_at timestamptz not null default now(),
  issued_by uuid references public.profiles (id) on delete set null,
  expires_at timestamptz,
  revoked_at timestamptz,
  revoked_by uuid references public.profiles (id) on delete set null,
  revocation_reason text,
  pdf_path text,
  pdf_generated_at timestamptz,
  constraint certificates_number_key unique (certificate_number),
  constraint certificates_verification_code_key unique (verification_code),
  constraint certificates_source check ((registration_id is null) <> (enrollment_id is null)),
  constraint certificates_expiry check (expires_at > issued_at),
  constraint certificates_revocation check ((revoked_at is null) = (revocation_reason is null)),
  constraint certificates_cpd_credits check (cpd_credits >= 0),
  constraint certificates_cpd_cycle check (char_length(cpd_cycle) between 1 and 40),
  constraint certificates_pdf check ((pdf_path is null) = (pdf_generated_at is null))
);

comment on table public.certificates is
  'A certificate for an attended registration or a completed enrollment. Issued by RPCs; one per source and CPD cycle. Verified publicly by verification_code through verify_certificate().';
comment on column public.certificates.cpd_cycle is 'The CPD cycle it was issued for (e.g. 2025); a re-issue for a new cycle is a new certificate with reissue_of set.';

create unique index certificates_one_per_registration_cycle
  on public.certificates (registration_id, cpd_cycle) nulls not distinct
  where registration_id is not null;
create unique index certificates_one_per_enrollment_cycle
  on public.certificates (enrollment_id, cpd_cycle) nulls not distinct
  where enrollment_id is not null;
create index certificates_holder_id_idx on public.certificates (holder_id);
create index certificates_organization_id_idx on public.certificates (organization_id);
create index certificates_template_id_idx on public.certificates (template_id);
create index certificates_enrollment_id_idx on public.certificates (enrollment_id);
create index certificates_reissue_of_idx on public.certificates (reissue_of);
create index certificates_issued_by_idx on public.certificates (issued_by);
create index certificates_revoked_by_idx on public.certificates (revoked_by);
create index certificates_pdf_path_idx on public.certificates (pdf_path);

-- ---------------------------------------------------------------------------------------------
-- Issuing
-- ---------------------------------------------------------------------------------------------

-- XXXX-XXXX-XXXX in Crockford base32: 60 random bits.
create function private.new_verification_code()
returns text
language sql
volatile
set search_path = ''
as $$
  select pg_catalog.substr(c, 1, 4) || '-' || pg_catalog.substr(c, 5, 4) || '-' || pg_catalog.substr(c, 9, 4)
  from (select private.random_code(12) as c) as code
$$;

-- Issues (or returns the existing) certificate of one source for one CPD cycle. Trusted caller:
-- the public RPCs check who may issue.
create function private.issue_certificate(
  p_registration_id uuid,
  p_enrollment_id uuid,
  p_cpd_cycle text,
  p_reissue_of uuid
)
returns public.certificates
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_certificate public.certificates;
  v_organization_id uuid;
  v_template_id uuid;
  v_title text;
  v_achieved_at timestamptz;
  v_credits numeric(6, 2);
  v_holder_id uuid;
  v_validity integer;
begin
  if p_registration_id is not null then
    select r.user_id, e.organization_id, e.certificate_template_id, e.title, r.attended_at, e.cpd_credits
    into v_holder_id, v_organization_id, v_template_id, v_title, v_achieved_at, v_credits
    from public.event_registrations r
    join public.events e on e.id = r.event_id
    where r.id = p_registration_id
      and r.status = 'confirmed'
      and r.attended_at is not null;
    if not found then
      raise exception using errcode = 'P0001', message = 'a certificate needs a confirmed registration that was checked in';
    end if;
  else
    select ce.user_id, c.organization_id, c.certificate_template_id, c.title, ce.completed_at, c.cpd_credits
    into v_holder_id, v_organization_id, v_template_id, v_title, v_achieved_at, v_credits
    from public.course_enrollments ce
    join public.courses c on c.id = ce.course_id
    where ce.id = p_enrollment_id
      and ce.status = 'completed';
    if not found then
      raise exception using errcode = 'P0001', message = 'a certificate needs a completed course enrollment';
    end if;
  end if;

  -- Serializes issuing for one source, so issuing twice at once still yields one certificate.
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('certificate:' || coalesce(p_registration_id, p_enrollment_id)::text, 0));
  select * into v_certificate
  from public.certificates
  where (registration_id = p_registration_id or enrollment_id = p_enrollment_id)
    and cpd_cycle is not distinct from p_cpd_cycle;
  if found then
    return v_certificate;
  end if;

  if v_template_id is null then
    select id into v_template_id
    from public.certificate_templates
    where organization_id is not distinct from v_organization_id
      and is_default;
  end if;
  select validity_months into v_validity from public.certificate_templates where id = v_template_id;

  insert into public.certificates (
    certificate_number, verification_code, organization_id, template_id, holder_id, holder_name,
    registration_id, enrollment_id, title, achieved_at, cpd_credits, cpd_cycle, reissue_of, issued_by, expires_at
  )
  select
    'PL-' || pg_catalog.to_char(now(), 'YYYY') || '-' || pg_catalog.lpad(pg_catalog.nextval('private.certificate_number_seq')::text, 6, '0'),
    private.new_verification_code(),
    v_organization_id,
    v_template_id,
    v_holder_id,
    p.display_name,
    p_registration_id,
    p_enrollment_id,
    v_title,
    v_achieved_at,
    v_credits,
    p_cpd_cycle,
    p_reissue_of,
    (select auth.uid()),
    case when v_validity is not null then now() + pg_catalog.make_interval(months => v_validity) end
  from public.profiles p
  where p.id = v_holder_id
  returning * into v_certificate;
  return v_certificate;
end;
$$;

revoke all on function private.issue_certificate(uuid, uuid, text, uuid) from public;

-- Issues the certificate of an attended registration or a completed enrollment, or returns the
-- one already issued for it (and p_cpd_cycle). The holder may ask for their own; the
-- organization's staff for anyone's.
create function public.issue_certificate(
  p_registration_id uuid default null,
  p_enrollment_id uuid default null,
  p_cpd_cycle text default null
)
returns public.certificates
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_user_id uuid := (select auth.uid());
  v_holder_id uuid;
  v_organization_id uuid;
begin
  if (p_registration_id is null) = (p_enrollment_id is null) then
    raise exception using errcode = '22023', message = 'pass exactly one of p_registration_id and p_enrollment_id';
  end if;
  if p_registration_id is not null then
    select user_id, organization_id into v_holder_id, v_organization_id
    from public.event_registrations
    where id = p_registration_id;
  else
    select user_id, organization_id into v_holder_id, v_organization_id
    from public.course_enrollments
    where id = p_enrollment_id;
  end if;
  if v_holder_id is null
    or not (private.is_system_caller()
      or v_holder_id = v_user_id
      or private.can_manage(v_organization_id)) then
    raise exception using errcode = 'P0002',
      message = case when p_registration_id is not null then 'registration not found' else 'enrollment not found' end;
  end if;
  if v_user_id is not null then
    perform private.require_active_user();
  end if;
  return private.issue_certificate(p_registration_id, p_enrollment_id, nullif(pg_catalog.btrim(p_cpd_cycle), ''), null);
end;
$$;

-- Bulk issue for every attendee of an event (staff). Returns all of the event's certificates for
-- the cycle, new and already issued.
create function public.issue_event_certificates(p_event_id uuid, p_cpd_cycle text default null)
returns setof public.certificates
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_organization_id uuid;
  v_registration_id uuid;
begin
  select organization_id into v_organization_id from public.events where id = p_event_id;
  if not found or not (private.can_manage(v_organization_id) or private.is_system_caller()) then
    raise exception using errcode = 'P0002', message = 'event not found',
      hint = 'bulk issue is for the event''s staff';
  end if;
  for v_registration_id in
    select id
    from public.event_registrations
    where event_id = p_event_id
      and status = 'confirmed'
      and attended_at is not null
    order by attended_at
  loop
    return next private.issue_certificate(v_registration_id, null, nullif(pg_catalog.btrim(p_cpd_cycle), ''), null);
  end loop;
end;
$$;

-- Re-issues a certificate for a new CPD cycle: a new number and code, linked to the original,
-- with a fresh expiry. Admins of the issuing organization.
create function public.reissue_certificate(p_certificate_id uuid, p_cpd_cycle text)
returns public.certificates
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_original public.certificates;
  v_cycle text := nullif(pg_catalog.btrim(p_cpd_cycle), '');
begin
  select * into v_original from public.certificates where id = p_certificate_id;
  if not found or not (private.can_manage(v_original.organization_id, 'admin') or private.is_system_caller()) then
    raise exception using errcode = 'P0002', message = 'certificate not found',
      hint = 're-issue is for admins of the issuing organization';
  end if;
  if v_cycle is null then
    raise exception using errcode = '22023', message = 'name the new CPD cycle', hint = 'for example 2026';
  end if;
  if v_original.revoked_at is not null then
    raise exception using errcode = 'P0001', message = 'a revoked certificate cannot be re-issued';
  end if;
  if exists (
    select 1
    from public.certificates
    where (registration_id = v_original.registration_id or enrollment_id = v_original.enrollment_id)
      and cpd_cycle = v_cycle
  ) then
    raise exception using errcode = 'P0001', message = format('a certificate was already issued for the %s cycle', v_cycle);
  end if;
  return private.issue_certificate(v_original.registration_id, v_original.enrollment_id, v_cycle, v_original.id);
end;
$$;

-- Revocation, by admins of the issuing organization.
create function public.revoke_certificate(p_certificate_id uuid, p_reason text)
returns public.certificates
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_certificate public.certificates;
  v_reason text := nullif(pg_catalog.btrim(p_reason), '');
begin
  select * into v_certificate from public.certificates where id = p_certificate_id for update;
  if not found or not (private.can_manage(v_certificate.organization_id, 'admin') or private.is_system_caller()) then
    raise exception using errcode = 'P0002', message = 'certificate not found',
      hint = 'revocation is for admins of the issuing organization';
  end if;
  if v_reason is null then
    raise exception using errcode = '22023', message = 'give a reason for the revocation';
  end if;
  if v_certificate.revoked_at is not null then
    raise exception using errcode = 'P0001', message = 'this certificate is already revoked';
  end if;
  update public.certificates
  set revoked_at = now(), revoked_by = (select auth.uid()), revocation_reason = v_reason
  where id = p_certificate_id
  returning * into v_certificate;
  return v_certificate;
end;
$$;

-- Sets or clears the expiry, by admins of the issuing organization.
create function public.set_certificate_expiry(p_certificate_id uuid, p_expires_at timestamptz)
returns public.certificates
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_certificate public.certificates;
begin
  select * into v_certificate from public.certificates where id = p_certificate_id for update;
  if not found or not (private.can_manage(v_certificate.organization_id, 'admin') or private.is_system_caller()) then
    raise exception using errcode = 'P0002', message = 'certificate not found',
      hint = 'expiry is set by admins of the issuing organization';
  end if;
  if p_expires_at is not null and p_expires_at <= v_certificate.issued_at then
    raise exception using errcode = '22023', message = 'a certificate must expire after it was issued';
  end if;
  update public.certificates
  set expires_at = p_expires_at
  where id = p_certificate_id
  returning * into v_certificate;
  return v_certificate;
end;
$$;

-- ---------------------------------------------------------------------------------------------
-- Verification, document and Open Badges export
-- ---------------------------------------------------------------------------------------------

create function private.certificate_status(p_certificate public.certificates)
returns text
language sql
stable
set search_path = ''
as $$
  select case
    when p_certificate.revoked_at is not null then 'revoked'
    when p_certificate.expires_at <= now() then 'expired'
    else 'valid'
  end
$$;

create function private.verification_url(p_code text)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select pg_catalog.rtrim(coalesce(private.setting('site_url'), ''), '/') || '/certificates/verify/' || p_code
$$;

revoke all on function private.certificate_status(public.certificates) from public;
revoke all on function private.verification_url(text) from public;

-- Public verification by code (anon too): holder, what, when, issuer and status — nothing else.
-- Codes are matched as people type them: case, spaces, dashes and look-alike letters ignored.
create function public.verify_certificate(p_code text)
returns table (
  holder_name text,
  title text,
  achieved_at timestamptz,
  issued_at timestamptz,
  expires_at timestamptz,
  issuer_name text,
  certificate_number text,
  status text,
  revoked_at timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_code text := private.normalize_code(p_code);
begin
  if pg_catalog.char_length(v_code) <> 12 then
    raise exception using errcode = '22023', message = 'a verification code has 12 letters and digits',
      hint = 'it is printed on the certificate as XXXX-XXXX-XXXX';
  end if;
  return query
  select
    c.holder_name,
    c.title,
    c.achieved_at,
    c.issued_at,
    c.expires_at,
    coalesce(o.display_name, 'Pitlane'),
    c.certificate_number,
    private.certificate_status(c),
    c.revoked_at
  from public.certificates c
  left join public.organizations o on o.id = c.organization_id
  where c.verification_code = pg_catalog.substr(v_code, 1, 4) || '-' || pg_catalog.substr(v_code, 5, 4) || '-' || pg_catalog.substr(v_code, 9, 4);
  if not found then
    raise exception using errcode = 'P0002', message = 'no certificate has this verification code';
  end if;
end;
$$;

-- Whether the current user may see a certificate: its holder, the issuing organization's staff,
-- platform admins, or trusted callers without a user (the service role).
create function private.can_read_certificate(p_certificate public.certificates)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select p_certificate.holder_id = (select auth.uid())
    or private.can_manage(p_certificate.organization_id)
    or private.is_system_caller()
$$;

revoke all on function private.can_read_certificate(public.certificates) from public;

-- Everything the certificates edge function prints: the template with its placeholders filled in.
create function public.certificate_document(p_certificate_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_certificate public.certificates;
  v_template public.certificate_templates;
  v_issuer public.organizations;
  v_url text;
  v_body text;
begin
  select * into v_certificate from public.certificates where id = p_certificate_id;
  if not found or not private.can_read_certificate(v_certificate) then
    raise exception using errcode = 'P0002', message = 'certificate not found';
  end if;
  select * into v_template from public.certificate_templates where id = v_certificate.template_id;
  select * into v_issuer from public.organizations where id = v_certificate.organization_id;
  v_url := private.verification_url(v_certificate.verification_code);
  v_body := coalesce(v_template.body, 'This certifies that {{holder_name}} completed {{title}} on {{date}}.');
  v_body := pg_catalog.replace(v_body, '{{holder_name}}', v_certificate.holder_name);
  v_body := pg_catalog.replace(v_body, '{{title}}', v_certificate.title);
  v_body := pg_catalog.replace(v_body, '{{date}}', pg_catalog.to_char(v_certificate.achieved_at at time zone 'UTC', 'FMDD FMMonth YYYY'));
  v_body := pg_catalog.replace(v_body, '{{organization}}', coalesce(v_issuer.display_name, 'Pitlane'));
  v_body := pg_catalog.replace(v_body, '{{credits}}', pg_catalog.trim_scale(v_certificate.cpd_credits)::text);
  v_body := pg_catalog.replace(v_body, '{{certificate_number}}', v_certificate.certificate_number);
  v_body := pg_catalog.replace(v_body, '{{verification_code}}', v_certificate.verification_code);
  v_body := pg_catalog.replace(v_body, '{{verification_url}}', v_url);
  return pg_catalog.jsonb_build_object(
    'certificate_id', v_certificate.id,
    'certificate_number', v_certificate.certificate_number,
    'verification_code', v_certificate.verification_code,
    'verification_url', v_url,
    'status', private.certificate_status(v_certificate),
    'holder_name', v_certificate.holder_name,
    'title', v_certificate.title,
    'heading', coalesce(v_template.title, 'Certificate'),
    'body', v_body,
    'achieved_at', v_certificate.achieved_at,
    'issued_at', v_certificate.issued_at,
    'expires_at', v_certificate.expires_at,
    'cpd_credits', v_certificate.cpd_credits,
    'cpd_cycle', v_certificate.cpd_cycle,
    'issuer', pg_catalog.jsonb_build_object(
      'id', v_issuer.id,
      'name', coalesce(v_issuer.display_name, 'Pitlane'),
      'logo_path', v_issuer.logo_path
    ),
    'template', pg_catalog.jsonb_build_object(
      'id', v_template.id,
      'primary_color', coalesce(v_template.primary_color, '#1F2937'),
      'accent_color', coalesce(v_template.accent_color, '#B91C1C'),
      'background_path', v_template.background_path,
      'signature_image_path', v_template.signature_image_path,
      'signatory_name', v_template.signatory_name,
      'signatory_title', v_template.signatory_title
    ),
    'pdf_path', coalesce(
      v_certificate.pdf_path,
      coalesce(v_certificate.organization_id::text, 'platform') || '/' || v_certificate.id::text || '.pdf'
    )
  );
end;
$$;

-- The edge function records the PDF it stored (service role).
create function public.attach_certificate_pdf(p_certificate_id uuid, p_pdf_path text)
returns public.certificates
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_certificate public.certificates;
begin
  if p_pdf_path is null or p_pdf_path !~ '^[A-Za-z0-9_-]+(/[A-Za-z0-9._-]+)+\.pdf$' then
    raise exception using errcode = '22023', message = 'p_pdf_path must be an object path in the certificates bucket ending in .pdf';
  end if;
  update public.certificates
  set pdf_path = p_pdf_path, pdf_generated_at = now()
  where id = p_certificate_id
  returning * into v_certificate;
  if not found then
    raise exception using errcode = 'P0002', message = 'certificate not found';
  end if;
  return v_certificate;
end;
$$;

-- An Open Badges 3.0 OpenBadgeCredential (a W3C verifiable credential, unsigned: the signing key
-- belongs to the certificates edge function, which adds the proof).
create function public.certificate_open_badge(p_certificate_id uuid)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_certificate public.certificates;
  v_issuer public.organizations;
  v_site text := pg_catalog.rtrim(coalesce(private.setting('site_url'), ''), '/');
  v_source_id uuid;
  v_kind text;
  v_description text;
  v_credential jsonb;
begin
  select * into v_certificate from public.certificates where id = p_certificate_id;
  if not found or not private.can_read_certificate(v_certificate) then
    raise exception using errcode = 'P0002', message = 'certificate not found';
  end if;
  select * into v_issuer from public.organizations where id = v_certificate.organization_id;
  if v_certificate.registration_id is not null then
    select e.id, e.summary into v_source_id, v_description
    from public.event_registrations r
    join public.events e on e.id = r.event_id
    where r.id = v_certificate.registration_id;
    v_kind := 'events';
  else
    select c.id, c.summary into v_source_id, v_description
    from public.course_enrollments ce
    join public.courses c on c.id = ce.course_id
    where ce.id = v_certificate.enrollment_id;
    v_kind := 'courses';
  end if;

  v_credential := pg_catalog.jsonb_build_object(
    '@context', pg_catalog.jsonb_build_array(
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'
    ),
    'id', 'urn:uuid:' || v_certificate.id::text,
    'type', pg_catalog.jsonb_build_array('VerifiableCredential', 'OpenBadgeCredential'),
    'name', v_certificate.title,
    'issuer', pg_catalog.jsonb_build_object(
      'id', v_site || '/organizations/' || coalesce(v_issuer.slug, 'platform'),
      'type', pg_catalog.jsonb_build_array('Profile'),
      'name', coalesce(v_issuer.display_name, 'Pitlane')
    ),
    'validFrom', pg_catalog.to_char(v_certificate.issued_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    'credentialSubject', pg_catalog.jsonb_build_object(
      'id', 'urn:uuid:' || v_certificate.holder_id::text,
      'type', pg_catalog.jsonb_build_array('AchievementSubject'),
      'identifier', pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
        'type', 'IdentityObject',
        'identityType', 'name',
        'hashed', false,
        'identityHash', v_certificate.holder_name
      )),
      'activityEndDate', pg_catalog.to_char(v_certificate.achieved_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
      'creditsEarned', v_certificate.cpd_credits,
      'achievement', pg_catalog.jsonb_build_object(
        'id', v_site || '/' || v_kind || '/' || v_source_id::text,
        'type', pg_catalog.jsonb_build_array('Achievement'),
        'achievementType', case when v_kind = 'events' then 'Certificate' else 'CertificateOfCompletion' end,
        'name', v_certificate.title,
        'description', coalesce(v_description, v_certificate.title),
        'criteria', pg_catalog.jsonb_build_object(
          'narrative', case when v_kind = 'events' then 'Attended the event.' else 'Completed every lesson and passed the required assessments.' end
        ),
        'creditsAvailable', v_certificate.cpd_credits
      )
    ),
    'evidence', pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
      'id', private.verification_url(v_certificate.verification_code),
      'type', pg_catalog.jsonb_build_array('Evidence'),
      'name', 'Certificate ' || v_certificate.certificate_number
    ))
  );
  if v_certificate.expires_at is not null then
    v_credential := v_credential || pg_catalog.jsonb_build_object(
      'validUntil', pg_catalog.to_char(v_certificate.expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
    );
  end if;
  if v_certificate.revoked_at is not null then
    v_credential := v_credential || pg_catalog.jsonb_build_object(
      'credentialStatus', pg_catalog.jsonb_build_object(
        'id', private.verification_url(v_certificate.verification_code),
        'type', '1EdTechRevocationList',
        'revoked', true,
        'reason', v_certificate.revocation_reason
      )
    );
  end if;
  return v_credential;
end;
$$;

revoke all on function public.issue_certificate(uuid, uuid, text) from public, anon;
revoke all on function public.issue_event_certificates(uuid, text) from public, anon;
revoke all on function public.reissue_certificate(uuid, text) from public, anon;
revoke all on function public.revoke_certificate(uuid, text) from public, anon;
revoke all on function public.set_certificate_expiry(uuid, timestamptz) from public, anon;
revoke all on function public.verify_certificate(text) from public;
revoke all on function public.certificate_document(uuid) from public, anon;
revoke all on function public.attach_certificate_pdf(uuid, text) from public, anon, authenticated;
revoke all on function public.certificate_open_badge(uuid) from public, anon;
grant execute on function public.issue_certificate(uuid, uuid, text) to authenticated, service_role;
grant execute on function public.issue_event_certificates(uuid, text) to authenticated, service_role;
grant execute on function public.reissue_certificate(uuid, text) to authenticated, service_role;
grant execute on function public.revoke_certificate(uuid, text) to authenticated, service_role;
grant execute on function public.set_certificate_expiry(uuid, timestamptz) to authenticated, service_role;
grant execute on function public.verify_certificate(text) to anon, authenticated, service_role;
grant execute on function public.certificate_document(uuid) to authenticated, service_role;
grant execute on function public.attach_certificate_pdf(uuid, text) to service_role;
grant execute on function public.certificate_open_badge(uuid) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------------
-- Privileges and policies
-- ---------------------------------------------------------------------------------------------

revoke all on public.certificate_templates, public.certificates from anon, authenticated;
grant all on public.certificate_templates, public.certificates to service_role;
grant select, insert, update, delete on public.certificate_templates to authenticated;
grant select on public.certificates to authenticated;

alter table public.certificate_templates enable row level security;
alter table public.certificates enable row level security;

-- Templates: the organization's staff read; admins write (platform templates: platform admins).
create policy "certificate_templates: staff read"
  on public.certificate_templates for select to authenticated
  using (organization_id in (select private.organization_ids_with_role('staff')) or (select private.is_platform_admin()));

create policy "certificate_templates: admins create"
  on public.certificate_templates for insert to authenticated
  with check (organization_id in (select private.organization_ids_with_role('admin')) or (select private.is_platform_admin()));

create policy "certificate_templates: admins update"
  on public.certificate_templates for update to authenticated
  using (organization_id in (select private.organization_ids_with_role('admin')) or (select private.is_platform_admin()))
  with check (organization_id in (select private.organization_ids_with_role('admin')) or (select private.is_platform_admin()));

create policy "certificate_templates: admins delete"
  on public.certificate_templates for delete to authenticated
  using (organization_id in (select private.organization_ids_with_role('admin')) or (select private.is_platform_admin()));

-- Certificates: the holder and the issuing organization's staff. Written by RPCs only; anyone
-- verifies through verify_certificate().
create policy "certificates: holder and staff read"
  on public.certificates for select to authenticated
  using (
    holder_id = (select auth.uid())
    or organization_id in (select private.organization_ids_with_role('staff'))
    or (select private.is_platform_admin())
  );
