import { randomUUID } from "node:crypto";
import http from "node:http";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from "jose";
import { freePort } from "../../supabase/stack/spawn-stack.ts";

/** Who signs in at the provider: the claims its ID tokens carry. */
export type Person = JWTPayload & {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  picture?: string;
};

export interface SignOptions {
  /** Sign with a key the provider never published. */
  foreignKey?: boolean;
  issuer?: string;
  audience?: string;
  expiresInSeconds?: number;
}

/**
 * A small OpenID provider standing in for Google in tests: discovery, JWKS, an authorize endpoint
 * that signs `nextPerson` in at once, and a token endpoint that hands out a signed ID token.
 */
export interface OidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  nextPerson: Person;
  /** The query of the last /authorize request, to check what the stack asked for. */
  lastAuthorize: URLSearchParams | undefined;
  signIdToken(claims: Person, options?: SignOptions): Promise<string>;
  close(): Promise<void>;
}

export async function startOidcProvider(): Promise<OidcProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const kid = "test-key";
  const keys = await generateKeyPair("RS256", { extractable: true });
  const foreign = await generateKeyPair("RS256");
  const publicJwk = { ...(await exportJWK(keys.publicKey)), kid, alg: "RS256", use: "sig" };
  const codes = new Map<string, { person: Person; nonce: string | null; redirectUri: string }>();

  const sign = (
    claims: Person,
    options: SignOptions = {},
    key: CryptoKey = options.foreignKey ? foreign.privateKey : keys.privateKey,
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid })
      .setIssuer(options.issuer ?? issuer)
      .setAudience(options.audience ?? provider.clientId)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + (options.expiresInSeconds ?? 3600))
      .sign(key);

  const answer = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? "/", issuer);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === "/.well-known/openid-configuration") {
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
      });
    }
    if (url.pathname === "/jwks") return json(200, { keys: [publicJwk] });
    if (url.pathname === "/authorize") {
      provider.lastAuthorize = url.searchParams;
      const code = randomUUID();
      const redirectUri = url.searchParams.get("redirect_uri") ?? "";
      codes.set(code, {
        person: provider.nextPerson,
        nonce: url.searchParams.get("nonce"),
        redirectUri,
      });
      const back = new URL(redirectUri);
      back.searchParams.set("code", code);
      back.searchParams.set("state", url.searchParams.get("state") ?? "");
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (url.pathname === "/token" && req.method === "POST") {
      let body = "";
      for await (const chunk of req) body += chunk;
      const form = new URLSearchParams(body);
      const grant = codes.get(form.get("code") ?? "");
      codes.delete(form.get("code") ?? "");
      if (
        !grant ||
        form.get("client_id") !== provider.clientId ||
        form.get("client_secret") !== provider.clientSecret ||
        form.get("redirect_uri") !== grant.redirectUri
      ) {
        return json(400, { error: "invalid_grant" });
      }
      const idToken = await sign({
        ...grant.person,
        ...(grant.nonce ? { nonce: grant.nonce } : {}),
      });
      return json(200, {
        access_token: `provider-access-${randomUUID()}`,
        refresh_token: "provider-refresh",
        token_type: "Bearer",
        expires_in: 3600,
        id_token: idToken,
      });
    }
    json(404, { error: "not_found" });
  };
  const server = http.createServer((req, res) => {
    answer(req, res).catch((error: unknown) => {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));

  const provider: OidcProvider = {
    issuer,
    clientId: "pitlane-web-client",
    clientSecret: "pitlane-web-secret",
    nextPerson: { sub: "nobody" },
    lastAuthorize: undefined,
    signIdToken: (claims, options) => sign(claims, options),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return provider;
}
