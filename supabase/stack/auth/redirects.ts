import type { AuthSettings } from "./settings.ts";

/**
 * gobwas/glob with "." and "/" as separators, as GoTrue compiles the redirect allow list: `*` stays
 * within one host label or path segment, `**` crosses them, `?` is one character, `{a,b}` either.
 */
function globToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === "*" && pattern[i + 1] === "*") {
      source += ".*";
      i++;
    } else if (char === "*") source += "[^./]*";
    else if (char === "?") source += "[^./]";
    else if (char === "{") source += "(?:";
    else if (char === "}") source += ")";
    else if (char === ",") source += "|";
    else source += char.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/** Allow-list patterns compiled once: they come from config.toml and are read on every redirect. */
const compiledGlobs = new Map<string, RegExp>();

function compiledGlob(pattern: string): RegExp {
  let regExp = compiledGlobs.get(pattern);
  if (!regExp) compiledGlobs.set(pattern, (regExp = globToRegExp(pattern)));
  return regExp;
}

const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** GoTrue's IsRedirectURLValid: the site URL's origin (any port on localhost), loopback IPs, or the allow list. */
function isRedirectAllowed(settings: AuthSettings, candidate: string): boolean {
  if (!candidate) return false;
  let base: URL;
  let target: URL;
  try {
    base = new URL(settings.siteUrl);
    target = new URL(candidate);
  } catch {
    return false;
  }
  if (
    base.hostname === target.hostname &&
    base.protocol === target.protocol &&
    (base.port === target.port || loopbackHosts.has(target.hostname))
  ) {
    return true;
  }
  if (/^\[?[\d.:]+\]?$/.test(target.hostname))
    return loopbackHosts.has(target.hostname) || /^127\./.test(target.hostname);
  const withoutFragment = candidate.split("#")[0]!;
  return settings.redirectAllowList.some((pattern) => compiledGlob(pattern).test(withoutFragment));
}

/** Where to send the user afterwards: the requested URL when allowed, else the site URL (GoTrue's GetReferrer). */
export function resolveRedirect(
  settings: AuthSettings,
  ...candidates: (string | null | undefined)[]
): string {
  return (
    candidates.find(
      (candidate): candidate is string => !!candidate && isRedirectAllowed(settings, candidate),
    ) ?? settings.siteUrl
  );
}
