import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadProjectConfig } from "../../supabase/stack/config/project-config.ts";
import { projectRoot, spawnStack, type SpawnedStack } from "../../supabase/stack/spawn-stack.ts";

const projectConfig = path.join(projectRoot, "supabase/config.toml");
const clientIdVariable = "SUPABASE_AUTH_EXTERNAL_GOOGLE_CLIENT_ID";
const secretVariable = "SUPABASE_AUTH_EXTERNAL_GOOGLE_SECRET";

let stack: SpawnedStack | undefined;
afterAll(async () => {
  await stack?.stop();
});

describe("Google sign-in in the project's supabase/config.toml", () => {
  it("takes its client id and secret from the environment, as the Supabase CLI does", async () => {
    const saved = { id: process.env[clientIdVariable], secret: process.env[secretVariable] };
    process.env[clientIdVariable] = "web-client.apps.googleusercontent.com";
    process.env[secretVariable] = "GOCSPX-from-the-environment";
    try {
      const warnings: string[] = [];
      const config = await loadProjectConfig(projectConfig, (line) => warnings.push(line));
      expect(config.auth.external.google).toMatchObject({
        enabled: true,
        client_id: "web-client.apps.googleusercontent.com",
        secret: "GOCSPX-from-the-environment",
        skip_nonce_check: false,
      });
      expect(warnings).toEqual([]);
    } finally {
      for (const [variable, value] of [
        [clientIdVariable, saved.id],
        [secretVariable, saved.secret],
      ] as const) {
        if (value === undefined) delete process.env[variable];
        else process.env[variable] = value;
      }
    }
  });

  it("starts with a variable unset, warning as the CLI does, and reports Google enabled", async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      [clientIdVariable]: "web-client.apps.googleusercontent.com",
    };
    delete env[secretVariable];
    stack = await spawnStack({
      env,
      args: [
        "--migrations",
        path.join(projectRoot, "tests/fixtures/migrations"),
        "--seed",
        path.join(projectRoot, "tests/fixtures/no-seed"),
      ],
    });
    expect(stack.output()).toContain(`WARN: environment variable is unset: ${secretVariable}`);
    expect(stack.output()).not.toContain(
      `WARN: environment variable is unset: ${clientIdVariable}`,
    );
    const response = await fetch(`${stack.apiUrl}/auth/v1/settings`, {
      headers: { apikey: stack.anonKey },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { external: Record<string, boolean> }).external.google).toBe(
      true,
    );
  });
});
