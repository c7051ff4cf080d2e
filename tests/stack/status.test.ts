import http from "node:http";
import { jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { stack } from "../helpers/db.ts";

// The Supabase CLI's local defaults, so an app's .env for `supabase start` works unchanged.
const cliSecret = "super-secret-jwt-token-with-at-least-32-characters-long";
const cliAnonKey =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0";
const cliServiceRoleKey =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU";

describe("start-up status", () => {
  it("prints the Supabase CLI's local secret and keys", async () => {
    const { jwtSecret, anonKey, serviceRoleKey, dbUrl, apiUrl, apiPort, dbPort } = stack();
    expect(jwtSecret).toBe(cliSecret);
    expect(anonKey).toBe(cliAnonKey);
    expect(serviceRoleKey).toBe(cliServiceRoleKey);
    const secret = new TextEncoder().encode(jwtSecret);
    expect((await jwtVerify(anonKey, secret)).payload.role).toBe("anon");
    expect((await jwtVerify(serviceRoleKey, secret)).payload.role).toBe("service_role");
    expect(dbUrl).toBe(`postgresql://postgres:postgres@127.0.0.1:${dbPort}/postgres`);
    expect(apiUrl).toBe(`http://127.0.0.1:${apiPort}`);
  });

  it("answers unknown paths as Supabase's gateway does", async () => {
    const response = await fetch(`${stack().apiUrl}/nowhere`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: "no Route matched with those values" });
  });

  it("keeps an idle connection open as long as Supabase's gateway does (75 s, not Node's 5 s)", async () => {
    const agent = new http.Agent({ keepAlive: true });
    try {
      const headers = await new Promise<http.IncomingHttpHeaders>((resolve, reject) => {
        http
          .get(`${stack().apiUrl}/nowhere`, { agent }, (response) => {
            response.resume();
            resolve(response.headers);
          })
          .on("error", reject);
      });
      expect(headers["keep-alive"]).toBe("timeout=75");
    } finally {
      agent.destroy();
    }
  });
});
