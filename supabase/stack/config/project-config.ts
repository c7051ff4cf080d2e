import { readFile } from "node:fs/promises";
import { parse as parseToml } from "smol-toml";
import { z } from "zod";

const envReference = /^env\((\w+)\)$/;

/** The Supabase CLI writes `env(NAME)` for values taken from the environment. */
function substituteEnv(value: unknown): unknown {
  if (typeof value === "string") {
    const match = envReference.exec(value);
    return match ? (process.env[match[1]!] ?? "") : value;
  }
  if (Array.isArray(value)) return value.map(substituteEnv);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v)]));
  }
  return value;
}

/** "50MiB", "1GB", 1024 → bytes, as the Supabase CLI reads sizes. */
export function parseSize(size: string | number): number {
  if (typeof size === "number") return size;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?i?B)?\s*$/i.exec(size);
  if (!match) throw new Error(`not a size: "${size}"`);
  const unit = (match[2] ?? "B").toUpperCase();
  const power = { B: 0, KB: 1, KIB: 1, MB: 2, MIB: 2, GB: 3, GIB: 3, TB: 4, TIB: 4 }[unit] ?? 0;
  const base = unit.includes("I") ? 1024 : 1000;
  return Math.round(Number(match[1]) * base ** power);
}

const mfaSwitches = z
  .object({
    enroll_enabled: z.boolean().default(false),
    verify_enabled: z.boolean().default(false),
  })
  .loose()
  .prefault({});

const configSchema = z.object({
  project_id: z.string().default("pitlane"),
  api: z
    .object({
      schemas: z.array(z.string()).default(["public", "graphql_public"]),
      extra_search_path: z.array(z.string()).default(["public", "extensions"]),
      max_rows: z.number().int().positive().default(1000),
    })
    .loose()
    .default({
      schemas: ["public", "graphql_public"],
      extra_search_path: ["public", "extensions"],
      max_rows: 1000,
    }),
  auth: z
    .object({
      site_url: z.string().default("http://127.0.0.1:3000"),
      additional_redirect_urls: z.array(z.string()).default([]),
      // The public URL of /auth/v1 and the issuer of its tokens; both default to the gateway's.
      external_url: z.string().optional(),
      jwt_issuer: z.string().optional(),
      jwt_expiry: z.number().int().positive().default(3600),
      jwt_secret: z.string().optional(),
      // A JSON array of RS256/ES256 JWKs, relative to config.toml's folder, as `supabase gen signing-key` writes.
      signing_keys_path: z.string().optional(),
      enable_refresh_token_rotation: z.boolean().default(true),
      refresh_token_reuse_interval: z.number().int().nonnegative().default(10),
      enable_signup: z.boolean().default(true),
      enable_anonymous_sign_ins: z.boolean().default(false),
      enable_manual_linking: z.boolean().default(false),
      minimum_password_length: z.number().int().nonnegative().default(6),
      password_requirements: z
        .enum([
          "",
          "letters_digits",
          "lower_upper_letters_digits",
          "lower_upper_letters_digits_symbols",
        ])
        .default(""),
      rate_limit: z
        .object({
          email_sent: z.number().int().nonnegative().default(2),
          sms_sent: z.number().int().nonnegative().default(30),
          anonymous_users: z.number().int().nonnegative().default(30),
          token_refresh: z.number().int().nonnegative().default(150),
          sign_in_sign_ups: z.number().int().nonnegative().default(30),
          token_verifications: z.number().int().nonnegative().default(30),
          web3: z.number().int().nonnegative().default(30),
        })
        .loose()
        .prefault({}),
      email: z
        .object({
          // See providerSwitch: the CLI's `enable_signup`, or `enabled` as Pitlane's template has it.
          enable_signup: z.boolean().optional(),
          enabled: z.boolean().optional(),
          double_confirm_changes: z.boolean().default(true),
          enable_confirmations: z.boolean().default(false),
          secure_password_change: z.boolean().default(false),
          max_frequency: z.string().default("1s"),
          otp_length: z.number().int().min(6).max(10).default(6),
          otp_expiry: z.number().int().positive().default(3600),
        })
        .loose()
        .prefault({}),
      // Sign-in methods the stack answers for as GoTrue does when they are off (see auth/http/unbuilt.ts).
      sms: z
        .object({ enable_signup: z.boolean().optional(), enabled: z.boolean().optional() })
        .loose()
        .prefault({}),
      passkey: z
        .object({ enabled: z.boolean().default(false) })
        .loose()
        .prefault({}),
      oauth_server: z
        .object({ enabled: z.boolean().default(false) })
        .loose()
        .prefault({}),
      web3: z
        .object({
          solana: z
            .object({ enabled: z.boolean().default(false) })
            .loose()
            .prefault({}),
          ethereum: z
            .object({ enabled: z.boolean().default(false) })
            .loose()
            .prefault({}),
        })
        .loose()
        .prefault({}),
      mfa: z
        .object({
          max_enrolled_factors: z.number().int().nonnegative().default(10),
          totp: mfaSwitches,
          phone: mfaSwitches,
          web_authn: mfaSwitches,
        })
        .loose()
        .prefault({}),
      external: z
        .record(
          z.string(),
          z
            .object({
              enabled: z.boolean().default(false),
              client_id: z.string().default(""),
              secret: z.string().default(""),
              redirect_uri: z.string().default(""),
              url: z.string().default(""),
              skip_nonce_check: z.boolean().default(false),
              email_optional: z.boolean().default(false),
            })
            .loose(),
        )
        .default({}),
      // Firebase, Auth0, Cognito, Clerk: the CLI adds their issuers' keys to every service's JWKS.
      third_party: z
        .record(z.string(), z.object({ enabled: z.boolean().default(false) }).loose())
        .default({}),
    })
    .loose()
    .prefault({}),
  storage: z
    .object({
      file_size_limit: z.union([z.string(), z.number()]).default("50MiB"),
      // The CLI starts imgproxy (and storage-api's render routes) only when this section says so.
      image_transformation: z
        .object({ enabled: z.boolean().default(false) })
        .loose()
        .default({ enabled: false }),
    })
    .loose()
    .default({ file_size_limit: "50MiB", image_transformation: { enabled: false } }),
  // [functions.<name>]: paths are relative to config.toml's folder, as the Supabase CLI reads them.
  functions: z
    .record(
      z.string(),
      z
        .object({
          enabled: z.boolean().default(true),
          verify_jwt: z.boolean().default(true),
          entrypoint: z.string().optional(),
          import_map: z.string().optional(),
        })
        .loose(),
    )
    .default({}),
  edge_runtime: z
    .object({ secrets: z.record(z.string(), z.string()).default({}) })
    .loose()
    .prefault({}),
  realtime: z.object({}).loose().default({}),
});

export type ProjectConfig = z.infer<typeof configSchema>;

/**
 * An enabled `[auth.external.<provider>]` whose client id, secret, redirect or URL names an unset
 * variable still starts, with the Supabase CLI's warning for each (its config loader only warns;
 * the provider stays enabled and fails at sign-in).
 */
function warnOfUnsetProviderEnv(raw: unknown, warn: (line: string) => void): void {
  const external =
    (raw as { auth?: { external?: Record<string, Record<string, unknown>> } }).auth?.external ?? {};
  for (const provider of Object.values(external)) {
    if (provider?.enabled !== true) continue;
    for (const field of ["client_id", "secret", "redirect_uri", "url"]) {
      const name =
        typeof provider[field] === "string" ? envReference.exec(provider[field])?.[1] : undefined;
      if (name && !process.env[name]) warn(`WARN: environment variable is unset: ${name}`);
    }
  }
}

/** Reads the Supabase CLI's config.toml; sections the stack does not use are kept as they are. */
export async function loadProjectConfig(
  file: string,
  warn: (line: string) => void = (line) => console.error(line),
): Promise<ProjectConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new Error(
      `cannot read the config file ${file}: ${(error as Error).message} (change it with --config)`,
      { cause: error },
    );
  }
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (error) {
    throw new Error(`${file} is not valid TOML: ${(error as Error).message}`, { cause: error });
  }
  warnOfUnsetProviderEnv(raw, warn);
  const result = configSchema.safeParse(substituteEnv(raw));
  if (!result.success) {
    const problems = result.error.issues
      .map((issue) => `${issue.path.join(".")}: ${issue.message}`)
      .join("; ");
    throw new Error(`${file}: ${problems}`);
  }
  return result.data;
}
