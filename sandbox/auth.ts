/**
 * The API gateway's checks: the SDK-HMAC-SHA256 signature over the request as received (real
 * Host header, raw path and query, exact body bytes), the X-Sdk-Date window, then (after the
 * rate limit, which needs to know the key) the AK's projects and the X-Project-Id header.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { errorReply, GesError, type Reply } from './responses.js';
import type { Route } from './routes.js';
import type { SandboxAccount } from './types.js';
import { verifyRequest } from './verify.js';

export interface AuthInput {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly route: Route;
}

export interface AuthPolicy {
  readonly accounts: ReadonlyMap<string, SandboxAccount>;
  readonly now: () => Date;
}

export type AuthResult =
  | { readonly ok: true; readonly ak: string }
  | { readonly ok: false; readonly reply: Reply };

/** Who is asking: the signature and the X-Sdk-Date window (401 APIG.0301 otherwise). */
export function authenticate(input: AuthInput, policy: AuthPolicy): AuthResult {
  const result = verifyRequest(
    { method: input.method, url: input.url, headers: flattenHeaders(input.headers), body: input.body },
    { secretFor: (ak) => policy.accounts.get(ak)?.sk, now: policy.now() },
  );
  if (result.ok) return { ok: true, ak: result.ak };
  return { ok: false, reply: errorReply(input.route.apiVersion, GesError.authFailed, result.reason) };
}

/** What an authenticated key may do: undefined when the request may go on, else the 403 / 400 reply. */
export function authorize(input: AuthInput, ak: string, policy: AuthPolicy): Reply | undefined {
  const version = input.route.apiVersion;
  const { projectId } = input.route;
  if (projectId === undefined) return undefined;
  const allowed = policy.accounts.get(ak)?.projectIds;
  if (allowed && !allowed.includes(projectId))
    return errorReply(version, GesError.forbidden, `access key has no access to project ${projectId}`);
  const headerProject = flattenHeaders(input.headers)['x-project-id'];
  // GES.0016 is documented for "the project ID in the URL differs from the credentials' project".
  if (headerProject !== undefined && headerProject !== projectId)
    return errorReply(
      version,
      GesError.resourceNotFound,
      'X-Project-Id does not match the project in the URL',
    );
  return undefined;
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
