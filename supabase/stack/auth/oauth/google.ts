import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import type { GoogleSettings } from "../settings.ts";

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

/** What a provider says about the person, in GoTrue's terms (provider.UserProvidedData). */
export interface ProviderUser {
  email: string;
  emailVerified: boolean;
  /** The identity's data, as GoTrue stores it: GoTrue's Claims with empty fields left out. */
  claims: Record<string, unknown> & { sub: string };
}

export interface ProviderTokens {
  accessToken: string;
  refreshToken: string;
  idToken: string;
}

/**
 * Google as an OpenID provider, found through the configured issuer's discovery document, so a
 * test can stand up its own provider and point `[auth.external.google] url` at it.
 */
export class GoogleProvider {
  private discovery: Promise<Discovery> | undefined;
  private jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(readonly settings: GoogleSettings) {}

  /** Fetched on first use and kept; a failed fetch is retried by the next request. */
  private async discover(): Promise<Discovery> {
    this.discovery ??= (async () => {
      const url = `${this.settings.issuer}/.well-known/openid-configuration`;
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      return (await response.json()) as Discovery;
    })();
    try {
      return await this.discovery;
    } catch (error) {
      this.discovery = undefined;
      throw error;
    }
  }

  /** The provider's sign-in page for this flow; `state` brings the browser back to the right flow. */
  async authorizationUrl(state: string, scopes: string, extra: URLSearchParams): Promise<string> {
    const { authorization_endpoint } = await this.discover();
    const url = new URL(authorization_endpoint);
    for (const [key, value] of extra) url.searchParams.set(key, value);
    url.searchParams.set("client_id", this.settings.clientIds[0] ?? "");
    url.searchParams.set("redirect_uri", this.settings.redirectUri);
    url.searchParams.set("response_type", "code");
    url.searchParams.set(
      "scope",
      ["email", "profile", ...scopes.split(/[ ,]/).filter(Boolean)].join(" "),
    );
    url.searchParams.set("state", state);
    return url.toString();
  }

  async exchangeCode(code: string): Promise<ProviderTokens> {
    const { token_endpoint } = await this.discover();
    const response = await fetch(token_endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        redirect_uri: this.settings.redirectUri,
        client_id: this.settings.clientIds[0] ?? "",
        client_secret: this.settings.secret,
      }),
    });
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok || typeof body.id_token !== "string") {
      throw new Error(`the token endpoint answered ${response.status}: ${JSON.stringify(body)}`);
    }
    return {
      accessToken: String(body.access_token ?? ""),
      refreshToken: String(body.refresh_token ?? ""),
      idToken: body.id_token,
    };
  }

  /** Checks signature (the provider's JWKS), issuer and expiry; the audience and nonce are the caller's to check. */
  async verifyIdToken(idToken: string): Promise<JWTPayload> {
    const { issuer, jwks_uri } = await this.discover();
    this.jwks ??= createRemoteJWKSet(new URL(jwks_uri));
    return (await jwtVerify(idToken, this.jwks, { issuer })).payload;
  }
}

/** GoTrue's reading of a Google ID token (parseGoogleIDToken): verified when either claim says so. */
export function googleUser(claims: JWTPayload): ProviderUser {
  const text = (name: string) => (typeof claims[name] === "string" ? claims[name] : "");
  const email = text("email");
  const emailVerified = claims.email_verified === true || claims.verified_email === true;
  const data: Record<string, unknown> & { sub: string } = {
    iss: text("iss"),
    sub: text("sub"),
    name: text("name"),
    picture: text("picture"),
    email,
    email_verified: email ? emailVerified : false,
    phone_verified: false,
    full_name: text("name"),
    avatar_url: text("picture"),
    provider_id: text("sub"),
  };
  if (text("hd")) data.custom_claims = { hd: text("hd") };
  // Go's omitempty: empty strings are left out of the stored identity data.
  for (const key of Object.keys(data)) if (data[key] === "") delete data[key];
  return { email, emailVerified, claims: data };
}
