import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unbuiltFeatureWarnings } from "../../supabase/stack/auth/http/unbuilt.ts";
import { authSettings } from "../../supabase/stack/auth/settings.ts";
import { loadProjectConfig } from "../../supabase/stack/config/project-config.ts";

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), "auth-switches-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** The auth settings and start-up warnings a config.toml of these lines gives. */
async function switched(...lines: string[]) {
  const file = path.join(folder, `${crypto.randomUUID()}.toml`);
  await writeFile(file, lines.join("\n"));
  const settings = authSettings(await loadProjectConfig(file), "http://127.0.0.1:54321");
  return { settings, warnings: unbuiltFeatureWarnings(settings) };
}

describe("[auth] switches in config.toml, read as the Supabase CLI reads them", () => {
  it("switches phone sign-in with the CLI's [auth.sms] enable_signup, and with `enabled` as Pitlane's template spells it", async () => {
    const cli = await switched("[auth.sms]", "enable_signup = true");
    expect(cli.settings.features.phone).toBe(true);
    expect(cli.warnings).toEqual([
      "WARN: [auth.sms] enable_signup is set, but Phone sign-in is not implemented by the local stack: its requests answer 404 feature_disabled",
    ]);
    const template = await switched("[auth.sms]", "enabled = true");
    expect(template.warnings[0]).toMatch(/^WARN: \[auth\.sms\] enabled is set, but Phone sign-in/);
    expect((await switched("[auth.sms]", "enable_signup = false")).settings.features.phone).toBe(
      false,
    );
    expect((await switched()).settings.features.phone).toBe(false);
  });

  it("switches the email provider with [auth.email] enable_signup or enabled, on by default", async () => {
    expect((await switched()).settings.email.enabled).toBe(true);
    expect((await switched("[auth.email]", "enable_signup = false")).settings.email.enabled).toBe(
      false,
    );
    expect((await switched("[auth.email]", "enabled = false")).settings.email.enabled).toBe(false);
  });

  it("refuses both spellings set to different values rather than letting one win", async () => {
    await expect(switched("[auth.sms]", "enable_signup = true", "enabled = false")).rejects.toThrow(
      "[auth.sms] enable_signup = true and enabled = false disagree: set only one",
    );
  });

  it("warns of every enabled external provider but Google, and of third-party auth", async () => {
    const { settings, warnings } = await switched(
      "[auth.external.github]",
      "enabled = true",
      "[auth.external.apple]",
      "enabled = false",
      "[auth.external.google]",
      "enabled = true",
      "[auth.third_party.clerk]",
      "enabled = true",
      "[auth.third_party.firebase]",
      "enabled = false",
    );
    expect(settings.externalProvidersOn).toEqual(["github"]);
    expect(settings.thirdPartyOn).toEqual(["clerk"]);
    expect(warnings).toEqual([
      "WARN: [auth.external.github] enabled is set, but Sign-in with github is not implemented by the local stack: its requests answer 404 feature_disabled",
      "WARN: [auth.third_party.clerk] enabled is set, but third-party auth is not implemented by the local stack: every service refuses its tokens as signed by an unknown key",
    ]);
  });

  it("warns of nothing with the CLI's template defaults", async () => {
    const { warnings } = await switched(
      "[auth]",
      "enable_manual_linking = false",
      "[auth.sms]",
      "enable_signup = false",
      "[auth.mfa.totp]",
      "enroll_enabled = false",
      "verify_enabled = false",
      "[auth.mfa.phone]",
      "enroll_enabled = false",
      "verify_enabled = false",
      "[auth.web3.solana]",
      "enabled = false",
      "[auth.third_party.firebase]",
      "enabled = false",
      "[auth.oauth_server]",
      "enabled = false",
    );
    expect(warnings).toEqual([]);
  });
});
