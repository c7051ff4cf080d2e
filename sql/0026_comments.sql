-- Comments for Supabase Studio (its table editor and API docs show them) on every public table,
-- view and function, and on the columns whose meaning the name does not tell: counters and copies
-- kept by the database, tokens and codes, money in minor units, storage paths. Functions are named
-- without their argument list (each public function name is unique), so later migrations that
-- change a signature with create or replace keep these comments.
--
-- And the private helpers that were still executable by PUBLIC (PostgreSQL's default for a new
-- function): trigger functions need no EXECUTE from anyone (it is checked when the trigger is
-- created, not when it fires), so they are revoked outright; helpers that a caller's own statement
-- runs — a column default, a check constraint, a guard trigger or storage policy acting as the
-- caller — are granted to the roles that need them instead, and their comment says why.
-- tests/domain/catalog.test.ts holds every later migration to the same.

-- Tables

comment on table public.course_modules is 'The modules of a course, in order; each holds lessons.';
comment on table public.lesson_progress is 'A lesson a learner completed within an enrollment: written by complete_lesson(), which completes the course with its last lesson.';
comment on table public.assessments is 'An assessment (quiz) of a course: the pass mark, how many attempts, whether passing it is needed to complete the course.';
comment on table public.assessment_questions is 'The questions of an assessment; a question scores its points only when the chosen set equals its answer key.';
comment on table public.learning_paths is 'An ordered series of courses of one organization; learning_path_progress() shows a learner''s way along it.';
comment on table public.learning_path_courses is 'The courses of a learning path, in order; all of the path''s organization.';
comment on table public.event_references is 'Links staff attach to an event (slides, reading, a recording): shown to whoever may see the event.';
comment on table public.event_media is 'Images and videos of an event, stored in the event-media bucket under <event id>/, in order.';

-- Columns a name does not explain

comment on column public.assessment_attempts.organization_id is 'The owning organization, copied from the parent row by a trigger (private.inherit_organization_id) so that policies need no join; it cannot change.';
comment on column public.assessment_choices.organization_id is 'The owning organization, copied from the parent row by a trigger (private.inherit_organization_id) so that policies need no join; it cannot change.';
comment on column public.assessment_correct_choices.organization_id is 'The owning organization, copied from the parent row by a trigger (private.inherit_organization_id) so that policies need no join; it cannot change.';
comment on column public.assessment_questions.organization_id is 'The owning organization, copied from the parent row by a trigger (private.inherit_organization_id) so that policies need no join; it cannot change.';
comment on column public.assessments.organization_id is 'The owning organization, copied from the parent row by a trigger (private.inherit_organization_id) so that policies need no join; it cannot change.';
comment on column public.course_enrollments.organization_id is 'The owning organization, copied from the parent row by a trigger (private.inherit_organization_id) so that policies need no join; it cannot change.';
comment on column public.course_lessons.organization_id is 'The owning organization, copied from the parent row by a trigger (private.inherit_organization_id) so that policies need no join; it cannot change.';
comment on column public.course_modules.organization_id is 'The owning organization, copied from the parent row by a trigger (private.inherit_organization_id) so that policies need no join; it cannot change.';
comment on column public.event_check_ins.organization_id is 'The owning organization, copied from the parent row by a trigger (private.inherit_organization_id) so that policies need no join; it cannot change.';
comment on column public.event_join_details.organization_id is 'The owning organization, copied from the parent row by a trigger (private.inherit_organization_id) so that policies need no join; it cannot change.';
comment on column public.event_media.organization_id is 'The owning organization, copied from the parent row by a trigger (private.inherit_organization_id) so that policies need no join; it cannot change.';
comment on column public.event_references.organization_id is 'The owning organization, copied from the parent row by a trigger (private.inherit_organization_id) so that policies need no join; it cannot change.';
comment on column public.event_registrations.organization_id is 'The owning organization, copied from the parent row by a trigger (private.inherit_organization_id) so that policies need no join; it cannot change.';
comment on column public.event_sessions.organization_id is 'The owning organization, copied from the parent row by a trigger (private.inherit_organization_id) so that policies need no join; it cannot change.';
comment on column public.learning_path_courses.organization_id is 'The owning organization, copied from the parent row by a trigger (private.inherit_organization_id) so that policies need no join; it cannot change.';
comment on column public.lesson_progress.organization_id is 'The owning organization, copied from the parent row by a trigger (private.inherit_organization_id) so that policies need no join; it cannot change.';
comment on column public.invoice_events.organization_id is 'The seller organization, copied from the invoice by a trigger (private.inherit_invoice_owner) so that policies need no join.';
comment on column public.invoice_items.organization_id is 'The seller organization, copied from the invoice by a trigger (private.inherit_invoice_owner) so that policies need no join.';
comment on column public.payments.organization_id is 'The seller organization, copied from the invoice by a trigger (private.inherit_invoice_owner) so that policies need no join.';
comment on column public.refunds.organization_id is 'The seller organization, copied from the invoice by a trigger (private.inherit_invoice_owner) so that policies need no join.';
comment on column public.events.confirmed_count is 'Confirmed registrations; kept by the database.';
comment on column public.events.waitlist_count is 'Registrations on the waiting list; kept by the database.';
comment on column public.events.attended_count is 'Registrations checked in at least once; kept by the database.';
comment on column public.events.is_free is 'True when price_amount is 0 (generated).';
comment on column public.events.time_zone is 'IANA time zone of the venue (e.g. Asia/Jakarta), for showing times; the timestamps themselves are absolute.';
comment on column public.events.members_only is 'Only members of the organization may register.';
comment on column public.events.cpd_credits is 'CPD credits an attendee earns, written to cpd_credit_entries at the first check-in.';
comment on column public.event_registrations.check_in_token is 'The secret in the attendee''s QR code, checked by check_in_by_token(); a transfer makes a new one.';
comment on column public.event_registrations.price_amount is 'What this registration costs, in minor units of the event''s currency, fixed when the seat is held.';
comment on column public.event_registrations.hold_expires_at is 'Until when an unpaid seat is held (pending payment); then process_expired_registrations() releases it.';
comment on column public.event_registrations.offer_expires_at is 'Until when a seat offered from the waiting list may be claimed with claim_waitlist_offer().';
comment on column public.event_registrations.invited_by is 'The member who brought the registrant, if any.';
comment on column public.event_registrations.payment_reference is 'The provider''s payment id, set by the payment hook.';
comment on column public.event_check_ins.checked_in_at is 'When the attendee was scanned (for an offline scan, the scan time, not the sync time).';
comment on column public.event_check_ins.recorded_at is 'When the database recorded the check-in.';
comment on column public.event_check_ins.method is 'How: a QR scan online, a manual check-in by staff, or an offline scan synced later.';
comment on column public.courses.lesson_count is 'Lessons in the course; kept by the database.';
comment on column public.courses.price_amount is 'Price in minor units of currency; 0 is a free course.';
comment on column public.courses.is_free is 'True when price_amount is 0 (generated).';
comment on column public.courses.cpd_credits is 'CPD credits a learner earns when the course is completed.';
comment on column public.course_enrollments.lessons_completed is 'Lessons completed in this enrollment; kept by the database.';
comment on column public.course_enrollments.price_amount is 'What the enrollment costs, in minor units of the course''s currency, fixed at enrollment.';
comment on column public.course_lessons.is_preview is 'Readable before enrolling.';
comment on column public.assessments.pass_mark_percent is 'The share of the points needed to pass, 0 to 100.';
comment on column public.assessment_attempts.answers is 'The chosen choice ids by question id, as submitted.';
comment on column public.assessment_attempts.score_percent is 'score_points as a percentage of max_points; passed compares it with the pass mark.';
comment on column public.certificates.certificate_number is 'The human number printed on the certificate (PL-<year>-<sequence>).';
comment on column public.certificates.verification_code is 'The code anyone can check with verify_certificate() (12 characters of Crockford base32, shown in groups of four).';
comment on column public.certificates.holder_name is 'The holder''s name as printed, copied at issue.';
comment on column public.certificates.reissue_of is 'The certificate this one re-issues for a new CPD cycle.';
comment on column public.certificates.pdf_path is 'The PDF in the certificates bucket (<organization id>/<certificate id>.pdf), written by the certificates edge function.';
comment on column public.certificate_templates.is_default is 'The organization''s template used when an issue names none; one per organization.';
comment on column public.cpd_credit_entries.source is 'Where the credits come from: event attendance, course completion (both written by the database) or self-reported by the member.';
comment on column public.organization_invitations.code is 'The code to accept or decline with (10 characters of Crockford base32); typed as people type it.';
comment on column public.organization_invitations.email is 'When set, only the account with this email may accept; when null, whoever has the code, once.';
comment on column public.profiles.verification_status is 'Identity verification by platform admins; the person cannot change it.';
comment on column public.profile_suspensions.suspended_until is 'The end of a suspension (null: until lifted); while suspended the person reads but cannot create.';
comment on column public.invoices.total_amount is 'Sum of the items, in minor units of currency; kept by the database.';
comment on column public.invoices.amount_paid is 'Paid so far, in minor units; kept by the database from payments.';
comment on column public.invoices.amount_refunded is 'Refunded so far, in minor units; kept by the database from refunds that succeeded.';
comment on column public.invoices.status_desc is 'The status in words an app can show (from the provider when it gave one).';
comment on column public.invoices.channel is 'The payment channel at the provider (card, a bank''s virtual account, an e-wallet).';
comment on column public.invoices.receipt_path is 'The receipt PDF in the receipts bucket, written by the receipts edge function.';
comment on column public.invoice_items.unit_amount is 'Price of one, in minor units of the invoice''s currency, fixed at checkout.';
comment on column public.invoice_items.amount is 'unit_amount × quantity, in minor units.';
comment on column public.invoice_items.fulfilled_at is 'When what was bought was granted (a seat confirmed, an enrollment activated, stock taken).';
comment on column public.provider_events.action is 'What the webhook function understood from the provider''s event, applied by apply_provider_event().';
comment on column public.provider_events.payload is 'The provider''s event as received, for audit and reconciliation.';
comment on column public.refunds.amount is 'Amount refunded, in minor units of the invoice''s currency.';

-- Functions (each name is unique in public)

comment on function public.accept_organization_invitation is 'Accepts an invitation by its code (typed as people type it: case, spaces and dashes ignored) and makes the caller a member with the invited role. An email invitation only for that account; expired, declined and accepted invitations are refused.';
comment on function public.apply_provider_event is 'Records a provider event once and applies it, in one transaction. p_action is what the webhook function understood from it: {"kind": "payment", "invoice_id"|"invoice_number"|"provider_reference", "provider_payment_id", "amount", "currency", "channel", "channel_desc", "va_number", "paid_at", "status_desc"} {"kind": "refund", "invoice_id"?, "provider_payment_id", "refunds": [{"provider_refund_id", "amount", "status", "refund_id"}]} {"kind": "expired" | "cancelled" | "failed" | "pending", "invoice_id"|"invoice_number"|"provider_reference", "status_desc"} {"kind": "ignore"}: recorded and acknowledged only. A repeated event id changes nothing and answers {"status": "duplicate"}.';
comment on function public.attach_certificate_pdf is 'The edge function records the PDF it stored (service role).';
comment on function public.attach_invoice_checkout is 'The payments function started a checkout at the provider for an open invoice.';
comment on function public.attach_invoice_receipt is 'The receipts function stored the PDF of a paid invoice.';
comment on function public.cancel_course_enrollment is 'Cancels an enrollment that is pending payment or active: by the learner or the staff.';
comment on function public.cancel_paid_registration is 'A member cancels their own paid registration under the event''s refund policy (until refund_cutoff_hours before the start): a refund of what they paid for it is requested; the registration ends refunded, and its seat goes to the waiting list, when the provider confirms.';
comment on function public.cancel_registration is 'Cancels a live registration: by its registrant before the event starts, or by the event''s staff at any time. The seat goes to the waiting list.';
comment on function public.certificate_document is 'Everything the certificates edge function prints: the template with its placeholders filled in.';
comment on function public.certificate_open_badge is 'An Open Badges 3.0 OpenBadgeCredential (a W3C verifiable credential, unsigned: the signing key belongs to the certificates edge function, which adds the proof).';
comment on function public.check_in_by_token is 'Online check-in by the QR token. A second scan answers `already_checked_in`, with the first scan''s time. Staff of the event''s organization (platform admins for platform events).';
comment on function public.check_in_registration is 'Manual check-in of a registration by staff (a lost phone, a printed list).';
comment on function public.checkout_course_enrollment is 'The open invoice for the caller''s course enrollment that is pending payment.';
comment on function public.checkout_event_registration is 'The open invoice for the caller''s registration that is pending payment: the current one, or a new one at the event''s current price, expiring with the seat hold.';
comment on function public.checkout_products is 'An invoice for a cart of active products: p_items is [{"product_id": "…", "quantity": 2}, …]. Prices are the products'' current ones; all in one currency; stock checked when tracked.';
comment on function public.claim_waitlist_offer is 'Claims a seat offered from the waiting list: confirmed for a free event, pending payment with a fresh hold for a paid one. To decline an offer, cancel the registration.';
comment on function public.complete_lesson is 'Marks a lesson done for the caller (idempotent) and completes the course when it was the last thing missing. Returns the enrollment.';
comment on function public.confirm_course_enrollment_payment is 'Payment hook (service role): a paid enrollment becomes active. Idempotent.';
comment on function public.confirm_registration_payment is 'A payment succeeded. Idempotent. A hold that expired meanwhile is reinstated when a seat is free; otherwise this raises, and the payment must be refunded.';
comment on function public.cpd_credit_totals is 'The caller''s credits per period (''month'', ''quarter'' or ''year'', in p_time_zone) from p_from (inclusive) to p_to (exclusive), both optional; with the share of each source.';
comment on function public.create_organization_invitation is 'Invites a person by email (only that account can accept) or, with no email, by code (whoever has the code can accept once). Admins and owners; admins cannot invite owners (nobody can: use a role change after joining).';
comment on function public.decline_organization_invitation is 'Declines an invitation by its code: the invited account for an email invitation, whoever has the code otherwise.';
comment on function public.enroll_in_course is 'Enrolls the caller in a published course: active when free, pending payment when paid.';
comment on function public.event_attendance_summary is 'Confirmed registrations and check-ins per session, and for the whole event (session_id null: people checked in to at least one session). Staff only.';
comment on function public.expire_due_invoices is 'Expires holds and offers that are due (with their invoices), then every other open invoice past its time. Returns the invoices it expired, for the payments function to close their checkout at the provider. Call it every minute (pg_cron, or the payments function''s /expire).';
comment on function public.export_cpd_credits_csv is 'The caller''s ledger as CSV (header line first, CRLF line ends as RFC 4180 says).';
comment on function public.export_organization_cpd_credits_csv is 'An organization''s credits awarded to its learners and attendees, as CSV: admins and owners.';
comment on function public.issue_certificate is 'Issues the certificate of an attended registration or a completed enrollment, or returns the one already issued for it (and p_cpd_cycle). The holder may ask for their own; the organization''s staff for anyone''s.';
comment on function public.issue_event_certificates is 'Bulk issue for every attendee of an event (staff). Returns all of the event''s certificates for the cycle, new and already issued.';
comment on function public.learning_path_progress is 'The caller''s progress along a learning path: each course in order with their enrollment.';
comment on function public.mark_refund_submitted is 'The payments function sent a refund to the provider (or the provider refused it).';
comment on function public.process_expired_registrations is 'Processes every event with a due hold or offer; returns how many events it touched.';
comment on function public.record_manual_payment is 'A platform admin records a payment made outside the providers (a bank transfer checked by hand). It appears in reconciliation_payments_without_provider_event until matched.';
comment on function public.record_registration_refund is 'A payment was refunded: the registration ends as refunded and a confirmed seat is released.';
comment on function public.register_for_event is 'Registers the caller. Free events confirm at once and paid ones hold a seat for payment while seats remain; otherwise the caller joins the waiting list. Never fails for a full event.';
comment on function public.reissue_certificate is 'Re-issues a certificate for a new CPD cycle: a new number and code, linked to the original, with a fresh expiry. Admins of the issuing organization.';
comment on function public.request_refund is 'A refund requested by an admin of the seller organization or a platform admin: the whole remainder by default, p_amount for a partial one, or one item (its amount; the item is cancelled when the refund succeeds). A full refund cancels everything the invoice paid for.';
comment on function public.revoke_certificate is 'Revocation, by admins of the issuing organization.';
comment on function public.set_certificate_expiry is 'Sets or clears the expiry, by admins of the issuing organization.';
comment on function public.set_person_in_charge is 'Makes p_user_id the organization''s person in charge, clearing the previous one.';
comment on function public.submit_assessment_attempt is 'Grades an attempt. p_answers maps question ids to arrays of chosen choice ids: {"<question id>": ["<choice id>"], …} A question scores its points when the chosen set equals its answer key; unanswered questions score nothing. Refused once passed or when the attempts are used up. The answer key is never returned: only the score and whether it passed.';
comment on function public.sync_offline_check_ins is 'Scans made offline, synced later: a JSON array of {"token": "...", "scanned_at": "2025-05-01T09:03:00Z", "event_id"?: "...", "session_id"?: "...", "ref"?: "..."} Each scan is recorded once, keeping its scan time; one answer per scan, in order, with the scan''s "ref" echoed as client_ref. A scan of an unknown token answers `invalid_token`.';
comment on function public.transfer_registration is 'Hands a confirmed registration to another person (who gets a new check-in token), before the event starts and before any check-in, when the event allows transfers.';
comment on function public.verify_certificate is 'Public verification by code (anon too): holder, what, when, issuer and status — nothing else. Codes are matched as people type them: case, spaces, dashes and look-alike letters ignored.';
comment on function public.void_invoice is 'The owner (or a platform admin) abandons an open invoice. A seat hold is not released: cancel the registration for that.';

-- Private helpers: no PUBLIC execute

-- Trigger functions: EXECUTE is checked when a trigger is created, never when it fires.
revoke all on function private.guard_course() from public;
revoke all on function private.guard_cpd_credit_entry() from public;
revoke all on function private.guard_event() from public;
revoke all on function private.guard_organization() from public;
revoke all on function private.guard_organization_member() from public;
revoke all on function private.guard_profile() from public;

-- Called only by security definer functions, which run as their owner.
revoke all on function private.new_verification_code() from public;
revoke all on function private.normalize_code(text) from public;

-- Run by the caller's own statements.
revoke all on function private.is_trusted() from public;
grant execute on function private.is_trusted() to anon, authenticated, service_role;
revoke all on function private.is_valid_time_zone(text) from public;
grant execute on function private.is_valid_time_zone(text) to authenticated, service_role;
revoke all on function private.random_code(integer) from public;
grant execute on function private.random_code(integer) to authenticated, service_role;
revoke all on function private.random_token(integer) from public;
grant execute on function private.random_token(integer) to authenticated, service_role;
revoke all on function private.try_uuid(text) from public;
grant execute on function private.try_uuid(text) to anon, authenticated, service_role;

comment on function private.is_trusted() is 'True for the service role and direct connections, false for anon and authenticated callers. Granted to anon and authenticated because the guard triggers, which run as the caller, ask it.';
comment on function private.is_valid_time_zone(text) is 'True when PostgreSQL knows the time zone name. Granted to authenticated because the events time zone check and cpd_credit_totals() run as the caller.';
comment on function private.random_code(integer) is 'A random code of Crockford base32 characters. Granted to authenticated because it is the default of organization_invitations.code, evaluated as the inserting caller.';
comment on function private.random_token(integer) is 'A random URL-safe token. Granted to authenticated because it is the default of event_registrations.check_in_token, evaluated as the inserting caller.';
comment on function private.try_uuid(text) is 'The text as a uuid, or null when it is not one. Granted to anon and authenticated because storage policies, run as the caller, read organization ids from object paths with it.';
comment on function private.is_system_caller() is 'True for the service role through the API and for direct database connections. Granted to anon and authenticated because RPCs and policies running as the caller ask it.';
comment on function private.is_platform_admin() is 'True when the caller is a platform admin. Granted to anon and authenticated because RLS policies call it.';
comment on function private.is_active_user() is 'True when the caller is signed in and not suspended. Granted to anon and authenticated because RLS policies call it.';
comment on function private.require_active_user() is 'The caller''s id, or an error when not signed in or suspended. Granted to anon and authenticated because RLS policies and RPCs running as the caller call it.';
comment on function private.organization_ids_with_role(public.organization_role) is 'The organizations where the caller has at least the role. Granted to anon and authenticated because RLS policies call it.';
comment on function private.has_organization_role(uuid, public.organization_role) is 'Whether the caller has at least the role in the organization. Granted to anon and authenticated because RLS policies call it.';
comment on function private.can_manage(uuid, public.organization_role) is 'Whether the caller may manage the organization''s things at the role (platform admins may everywhere). Granted to anon and authenticated because RLS and storage policies call it.';
comment on function private.public_organization_ids() is 'Organizations with something anyone may see (published events, courses or learning paths), so that a page can name its organizer. Granted to anon and authenticated because RLS policies call it.';
comment on function private.can_manage_event(uuid) is 'Whether the caller manages the event whose id is a storage object''s first folder. Granted to authenticated because event-media storage policies call it.';
comment on function private.confirmed_event_ids() is 'Events where the caller has a confirmed registration. Granted to authenticated because RLS policies call it.';
comment on function private.enrolled_course_ids() is 'Courses the caller is enrolled in. Granted to anon and authenticated because RLS policies call it.';
comment on function private.enrolled_assessment_ids() is 'Assessments of the courses the caller is enrolled in. Granted to anon and authenticated because RLS policies call it.';
comment on function private.enrolled_question_ids() is 'Questions of the assessments the caller may take. Granted to anon and authenticated because RLS policies call it.';
comment on function private.is_active_product(uuid) is 'Whether the product is active. Granted to anon and authenticated because RLS policies on product images call it.';
comment on function private.csv_field(text) is 'A value as an RFC 4180 CSV field, defused against spreadsheet formulas. Granted to authenticated because export_cpd_credits_csv() runs as the caller.';
