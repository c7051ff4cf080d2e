import { SignJWT } from "jose";

/** The Supabase CLI's local JWT secret, so an app's local configuration carries over. */
export const defaultJwtSecret = "super-secret-jwt-token-with-at-least-32-characters-long";

export interface ApiKeys {
  jwtSecret: string;
  anonKey: string;
  serviceRoleKey: string;
}

/** The CLI's demo keys: HS256 tokens for `anon` and `service_role` that expire in 2032. */
async function demoKey(role: "anon" | "service_role", secret: string): Promise<string> {
  return new SignJWT({ iss: "supabase-demo", role, exp: 1983812996 })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(secret));
}

export async function apiKeys(jwtSecret: string = defaultJwtSecret): Promise<ApiKeys> {
  return {
    jwtSecret,
    anonKey: await demoKey("anon", jwtSecret),
    serviceRoleKey: await demoKey("service_role", jwtSecret),
  };
}
