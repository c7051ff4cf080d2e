import { createHash, randomUUID } from "node:crypto";
import {
  createEmailUser,
  defaultAudience,
  defaultRole,
  emailTaken,
  validateEmail,
} from "../accounts.ts";
import { audit, serviceRoleActor } from "../audit.ts";
import type { AuthContext } from "../context.ts";
import { actionLink, issueEmailToken, sendLinkEmail, type Slot } from "../email-links.ts";
import { AuthError, badRequest, notFound, unprocessable } from "../errors.ts";
import type { EmailKind } from "../mail/auth-emails.ts";
import { checkPasswordStrength, hashPassword } from "../passwords.ts";
import { resolveRedirect } from "../redirects.ts";
import { newRandomPassword } from "../secrets.ts";
import { parseGoDuration } from "../settings.ts";
import { endSessions } from "../sessions.ts";
import {
  basicIdentityData,
  clearOneTimeTokens,
  confirmEmail,
  findUserByEmail,
  findUserById,
  insertIdentity,
  insertUser,
  refreshProviders,
  reloadUser,
  updateIdentityData,
  updateMetadata,
  userJson,
  type User,
} from "../users.ts";
import { uuidPattern } from "../../database/session.ts";
import { requireAdmin } from "./guard.ts";
import { objectField, requestedRedirect, stringField, type AuthRequest } from "./request.ts";
import { respond } from "./respond.ts";

/** GoTrue's E.164 check after dropping "+" and spaces. */
function validatePhone(phone: string): string {
  const digits = phone.replace(/^\+/, "").replaceAll(" ", "");
  if (!/^[1-9]\d{1,14}$/.test(digits))
    throw badRequest("validation_failed", "Invalid phone number format (E.164 required)");
  return digits;
}

/** `ban_duration`: a Go duration such as "24h", or "none" to lift a ban; undefined leaves it alone. */
function banUntil(body: Record<string, unknown>): Date | null | undefined {
  const duration = stringField(body, "ban_duration");
  if (!duration) return undefined;
  if (duration === "none") return null;
  try {
    const ms = parseGoDuration(duration);
    return ms === 0 ? null : new Date(Date.now() + ms);
  } catch {
    throw badRequest(
      "validation_failed",
      `invalid format for ban duration: time: invalid duration "${duration}"`,
    );
  }
}

async function loadUserParam(ctx: AuthContext, id: string): Promise<User> {
  if (!uuidPattern.test(id)) throw notFound("validation_failed", "user_id must be an UUID");
  const user = await findUserById(ctx.db.pool, id);
  if (!user) throw notFound("user_not_found", "User not found");
  return user;
}

/** GET /admin/users?page=&per_page=&filter= with GoTrue's X-Total-Count and Link headers. */
async function listUsers(ctx: AuthContext, r: AuthRequest): Promise<void> {
  const page = Number(r.url.searchParams.get("page") || 1);
  const perPage = Number(r.url.searchParams.get("per_page") || 50);
  if (!Number.isInteger(page) || page < 1 || !Number.isInteger(perPage) || perPage < 1) {
    throw badRequest("validation_failed", "Bad Pagination Parameters");
  }
  const filter = r.url.searchParams.get("filter") ?? "";
  const where = `aud = $1 and ($2 = '' or email ilike '%' || $2 || '%' or raw_user_meta_data ->> 'full_name' ilike '%' || $2 || '%')`;
  const total = Number(
    (
      await ctx.db.pool.query<{ count: string }>(`select count(*) from auth.users where ${where}`, [
        defaultAudience,
        filter,
      ])
    ).rows[0]!.count,
  );
  const { rows } = await ctx.db.pool.query<{ id: string }>(
    `select id from auth.users where ${where} order by created_at desc, id limit $3 offset $4`,
    [defaultAudience, filter, perPage, (page - 1) * perPage],
  );
  const users = await Promise.all(
    rows.map(async (row) => userJson((await findUserById(ctx.db.pool, row.id))!)),
  );
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  const link = (target: number) => {
    const url = new URL(r.url);
    url.searchParams.set("page", String(target));
    return `<${url.pathname}${url.search}>`;
  };
  const links = [
    ...(page < lastPage ? [`${link(page + 1)}; rel="next"`] : []),
    `${link(lastPage)}; rel="last"`,
  ];
  r.res.setHeader("x-total-count", String(total));
  r.res.setHeader("link", links.join(", "));
  respond(r, { users, aud: defaultAudience });
}

/** POST /admin/users: no password rules apply here, as on Supabase; a missing password becomes a random one. */
async function createUser(ctx: AuthContext, r: AuthRequest): Promise<void> {
  const body = r.body;
  const email = stringField(body, "email") ? validateEmail(stringField(body, "email")) : "";
  const phone = stringField(body, "phone") ? validatePhone(stringField(body, "phone")) : "";
  if (!email && !phone)
    throw badRequest("validation_failed", "Cannot create a user without either an email or phone");
  if (email) await emailTaken(ctx.db.pool, email);
  if (
    phone &&
    (await ctx.db.pool.query(`select 1 from auth.users where phone = $1`, [phone])).rowCount
  ) {
    throw unprocessable("phone_exists", "Phone number already registered by another user");
  }
  const password =
    body.password === undefined || body.password === null
      ? undefined
      : stringField(body, "password");
  const passwordHash = stringField(body, "password_hash");
  if (password !== undefined && passwordHash)
    throw badRequest("validation_failed", "Only a password or a password hash should be provided");
  if (passwordHash && !/^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/.test(passwordHash))
    throw badRequest("validation_failed", "password_hash must be a bcrypt hash");
  if (password && Buffer.byteLength(password) > 72)
    throw badRequest("validation_failed", "bcrypt: password length exceeds 72 bytes");
  const id = stringField(body, "id");
  if (id && !uuidPattern.test(id))
    throw badRequest("validation_failed", "ID must conform to the uuid v4 format");
  if (id === "00000000-0000-0000-0000-000000000000")
    throw badRequest("validation_failed", "ID cannot be a nil uuid");
  const bannedUntil = banUntil(body);
  const hash = passwordHash || (await hashPassword(password || newRandomPassword()));
  const providers = [...(email ? ["email"] : []), ...(phone ? ["phone"] : [])];

  const user = await ctx.db.transaction(async (tx) => {
    const created = await insertUser(
      tx,
      {
        id: id || randomUUID(),
        aud: stringField(body, "aud") || defaultAudience,
        email: email || null,
        phone: phone || null,
        passwordHash: hash,
        appMetadata: { provider: providers[0], providers },
        userMetadata: objectField(body, "user_metadata") ?? {},
      },
      stringField(body, "role") || defaultRole,
    );
    if (email)
      await insertIdentity(
        tx,
        created.id,
        "email",
        created.id,
        basicIdentityData(created.id, email),
      );
    if (phone)
      await insertIdentity(tx, created.id, "phone", created.id, {
        sub: created.id,
        phone,
        email_verified: false,
        phone_verified: false,
      });
    await audit(tx, serviceRoleActor, "user_signedup", r.client.ip, {
      user_id: created.id,
      user_email: email,
      user_phone: phone,
      provider: providers[0],
    });
    const appMetadata = objectField(body, "app_metadata");
    if (appMetadata) await updateMetadata(tx, created.id, "raw_app_meta_data", appMetadata);
    if (body.email_confirm === true) await confirmEmail(tx, created.id);
    if (body.phone_confirm === true)
      await tx.query(`update auth.users set phone_confirmed_at = now() where id = $1`, [
        created.id,
      ]);
    if (bannedUntil !== undefined)
      await tx.query(`update auth.users set banned_until = $2 where id = $1`, [
        created.id,
        bannedUntil,
      ]);
    return reloadUser(tx, created);
  });
  respond(r, userJson(user));
}

/** PUT /admin/users/{id}: role, email, phone, password (which signs the user out everywhere), metadata, ban. */
async function updateUser(ctx: AuthContext, r: AuthRequest, target: User): Promise<void> {
  const body = r.body;
  const email = stringField(body, "email") ? validateEmail(stringField(body, "email")) : "";
  const phone = stringField(body, "phone") ? validatePhone(stringField(body, "phone")) : "";
  const password =
    body.password === undefined || body.password === null
      ? undefined
      : stringField(body, "password");
  if (password !== undefined) checkPasswordStrength(password, ctx.settings.password);
  if (email && email !== target.email) await emailTaken(ctx.db.pool, email, target.id);
  const bannedUntil = banUntil(body);
  const hash = password ? await hashPassword(password) : undefined;
  const user = await ctx.db.transaction(async (tx) => {
    const role = stringField(body, "role");
    if (role)
      await tx.query(`update auth.users set role = $2, updated_at = now() where id = $1`, [
        target.id,
        role,
      ]);
    if (body.email_confirm === true) await confirmEmail(tx, target.id);
    if (body.phone_confirm === true)
      await tx.query(
        `update auth.users set phone_confirmed_at = now(), updated_at = now() where id = $1`,
        [target.id],
      );
    if (password !== undefined) {
      await tx.query(
        `update auth.users set encrypted_password = $2, confirmation_token = '', recovery_token = '', email_change_token_current = '',
                email_change_token_new = '', reauthentication_token = '', updated_at = now() where id = $1`,
        [target.id, hash ?? ""],
      );
      await clearOneTimeTokens(tx, target.id);
      await endSessions(tx, target.id, "global", undefined);
    }
    for (const [provider, value] of [
      ["email", email],
      ["phone", phone],
    ] as const) {
      if (!value) continue;
      const confirmed = body[`${provider}_confirm`] === true;
      const identity = target.identities.find((candidate) => candidate.provider === provider);
      if (identity)
        await updateIdentityData(tx, identity.id, {
          [provider]: value,
          [`${provider}_verified`]: confirmed,
        });
      else
        await insertIdentity(tx, target.id, provider, target.id, {
          sub: target.id,
          [provider]: value,
          email_verified: provider === "email" && confirmed,
          phone_verified: provider === "phone" && confirmed,
        });
      await tx.query(
        `update auth.users set ${provider} = $2, is_anonymous = is_anonymous and not $3, updated_at = now() where id = $1`,
        [target.id, value, confirmed],
      );
    }
    if (email || phone) await refreshProviders(tx, target.id);
    const appMetadata = objectField(body, "app_metadata");
    if (appMetadata) await updateMetadata(tx, target.id, "raw_app_meta_data", appMetadata);
    const userMetadata = objectField(body, "user_metadata");
    if (userMetadata) await updateMetadata(tx, target.id, "raw_user_meta_data", userMetadata);
    if (bannedUntil !== undefined)
      await tx.query(`update auth.users set banned_until = $2, updated_at = now() where id = $1`, [
        target.id,
        bannedUntil,
      ]);
    await audit(tx, serviceRoleActor, "user_modified", r.client.ip, {
      user_id: target.id,
      user_email: target.email,
      user_phone: target.phone,
    });
    return reloadUser(tx, target);
  });
  respond(r, userJson(user));
}

const obfuscate = (userId: string, value: string) =>
  createHash("sha256")
    .update(userId + value)
    .digest("base64url");

/** DELETE /admin/users/{id}; `should_soft_delete` keeps the row with its addresses scrambled, as GoTrue does. */
async function deleteUser(ctx: AuthContext, r: AuthRequest, target: User): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await audit(tx, serviceRoleActor, "user_deleted", r.client.ip, {
      user_id: target.id,
      user_email: target.email,
      user_phone: target.phone,
    });
    if (r.body.should_soft_delete !== true) {
      await tx.query(`delete from auth.users where id = $1`, [target.id]);
      return;
    }
    if (target.deleted_at) return;
    await tx.query(
      `update auth.users set email = $2, phone = $3, email_change = $4, phone_change = $5, encrypted_password = null, confirmation_token = '',
              recovery_token = '', email_change_token_current = '', email_change_token_new = '', phone_change_token = '',
              raw_user_meta_data = '{}', raw_app_meta_data = '{}', deleted_at = now(), updated_at = now()
        where id = $1`,
      [
        target.id,
        target.email ? obfuscate(target.id, target.email) : null,
        target.phone ? obfuscate(target.id, target.phone).slice(0, 15) : null,
        target.email_change ? obfuscate(target.id, target.email_change) : "",
        target.phone_change ? obfuscate(target.id, target.phone_change).slice(0, 15) : "",
      ],
    );
    await clearOneTimeTokens(tx, target.id);
    for (const identity of target.identities) {
      await tx.query(
        `update auth.identities set provider_id = $2, identity_data = '{}', updated_at = now() where id = $1`,
        [identity.id, obfuscate(target.id, `${identity.provider}:${identity.provider_id}`)],
      );
    }
    await endSessions(tx, target.id, "global", undefined);
  });
  respond(r, {});
}

const linkSlots: Record<string, { kind: EmailKind | "email_change"; slot: Slot }> = {
  signup: { kind: "signup", slot: "confirmation" },
  invite: { kind: "invite", slot: "confirmation" },
  magiclink: { kind: "magiclink", slot: "recovery" },
  recovery: { kind: "recovery", slot: "recovery" },
  email_change_current: { kind: "email_change", slot: "email_change_current" },
  email_change_new: { kind: "email_change", slot: "email_change_new" },
};

/**
 * POST /admin/generate_link: the link and code an email would carry, without sending it. A magic
 * link for an unknown address signs it up first, as GoTrue does.
 */
async function generateLink(ctx: AuthContext, r: AuthRequest): Promise<void> {
  const body = r.body;
  let type = stringField(body, "type");
  const email = validateEmail(stringField(body, "email"));
  const redirectTo = resolveRedirect(
    ctx.settings,
    stringField(body, "redirect_to") || requestedRedirect(r),
  );
  const data = objectField(body, "data") ?? {};
  const existing = await findUserByEmail(ctx.db.pool, email, defaultAudience);
  if (!existing && type === "magiclink") type = "signup";
  if (!existing && ["recovery", "email_change_current", "email_change_new"].includes(type)) {
    throw notFound("user_not_found", "User with this email address not found");
  }
  const spec = linkSlots[type];
  if (!spec)
    throw badRequest("validation_failed", `Invalid email action link type requested: ${type}`);
  if (type === "email_change_current" && !ctx.settings.email.secureEmailChange) {
    throw badRequest(
      "validation_failed",
      "Enable secure email change to generate link for current email",
    );
  }
  const password = stringField(body, "password");
  if (type === "signup" && !existing)
    checkPasswordStrength(password || newRandomPassword(), ctx.settings.password);
  const newEmail = type.startsWith("email_change")
    ? validateEmail(stringField(body, "new_email"))
    : "";
  if (newEmail) await emailTaken(ctx.db.pool, newEmail, existing?.id);
  const passwordHash =
    type === "signup" && !existing ? await hashPassword(password || newRandomPassword()) : null;

  const result = await ctx.db.transaction(async (tx) => {
    let user = existing;
    if ((type === "signup" || type === "invite") && user && user.email_confirmed_at) {
      throw unprocessable(
        "email_exists",
        "A user with this email address has already been registered",
      );
    }
    if (!user) {
      user = await createEmailUser(tx, { email, passwordHash, data, byAdmin: true });
    } else if (type === "signup") {
      await updateMetadata(tx, user.id, "raw_user_meta_data", data);
    }
    if (type === "invite") {
      await audit(tx, serviceRoleActor, "user_invited", r.client.ip, {
        user_id: user.id,
        user_email: user.email,
      });
      await tx.query(`update auth.users set invited_at = now() where id = $1`, [user.id]);
    } else if (type === "magiclink" || type === "recovery") {
      await audit(tx, user, "user_recovery_requested", r.client.ip);
    }
    if (newEmail) {
      await tx.query(
        `update auth.users set email_change = $2, email_change_confirm_status = 0 where id = $1`,
        [user.id, newEmail],
      );
    }
    const address = spec.slot === "email_change_new" ? newEmail : email;
    const { otp, stored } = await issueEmailToken(
      ctx.settings,
      tx,
      user.id,
      spec.slot,
      address,
      "implicit",
    );
    return { user: await reloadUser(tx, user), otp, stored };
  });
  respond(r, {
    ...userJson(result.user),
    action_link: actionLink(ctx.settings, result.stored, spec.kind, redirectTo),
    email_otp: result.otp,
    hashed_token: result.stored,
    verification_type: type,
    redirect_to: redirectTo,
  });
}

/** POST /invite: creates the user (or reuses an unconfirmed one) and emails the invitation. */
async function invite(ctx: AuthContext, r: AuthRequest): Promise<void> {
  const email = validateEmail(stringField(r.body, "email"));
  const data = objectField(r.body, "data") ?? {};
  const redirectTo = resolveRedirect(ctx.settings, requestedRedirect(r), r.req.headers.referer);
  const existing = await findUserByEmail(ctx.db.pool, email, defaultAudience);
  if (existing?.email_confirmed_at)
    throw unprocessable(
      "email_exists",
      "A user with this email address has already been registered",
    );
  const user = await ctx.db.transaction(async (tx) => {
    const invited =
      existing ?? (await createEmailUser(tx, { email, passwordHash: null, data, byAdmin: true }));
    await audit(tx, serviceRoleActor, "user_invited", r.client.ip, {
      user_id: invited.id,
      user_email: invited.email,
    });
    await sendLinkEmail(ctx, tx, invited, {
      kind: "invite",
      slot: "confirmation",
      flow: "implicit",
      redirectTo,
    });
    await tx.query(`update auth.users set invited_at = now() where id = $1`, [invited.id]);
    return reloadUser(tx, invited);
  });
  respond(r, userJson(user));
}

/** Everything under /admin, and /invite: the service role only. */
export async function admin(ctx: AuthContext, r: AuthRequest): Promise<void> {
  await requireAdmin(ctx, r);
  if (r.path === "/invite" && r.method === "POST") return invite(ctx, r);
  if (r.path === "/admin/generate_link" && r.method === "POST") return generateLink(ctx, r);
  if (r.path === "/admin/users") {
    if (r.method === "GET") return listUsers(ctx, r);
    if (r.method === "POST") return createUser(ctx, r);
  }
  const match = /^\/admin\/users\/([^/]+)$/.exec(r.path);
  if (match) {
    const target = await loadUserParam(ctx, decodeURIComponent(match[1]!));
    if (r.method === "GET") return respond(r, userJson(target));
    if (r.method === "PUT") return updateUser(ctx, r, target);
    if (r.method === "DELETE") return deleteUser(ctx, r, target);
  }
  throw new AuthError(404, "validation_failed", "Not found");
}
