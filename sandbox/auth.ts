/**
 * The API gateway's checks: the SDK-HMAC-SHA256 signature over the request as received (real
 * Host header, raw path and query, exact body bytes), the X-Sdk-Date window, the AK's projects
 * and the X-Project-Id header.
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

/** undefined when the request may go on; otherwise the 401 / 403 / 400 reply. */
export function checkAuth(input: AuthInput, policy: AuthPolicy): Reply | undefined {
  const version = input.route.apiVersion;
  const headers = flattenHeaders(input.headers);
  const result = verifyRequest(
    { method: input.method, url: input.url, headers, body: input.body },
    { secretFor: (ak) => policy.accounts.get(ak)?.sk, now: policy.now() },
  );
  if (!result.ok) return errorReply(version, GesError.authFailed, result.reason);
  const { projectId } = input.route;
  if (projectId === undefined) return undefined;
  const allowed = policy.accounts.get(result.ak)?.projectIds;
  if (allowed && !allowed.includes(projectId))
    return errorReply(version, GesError.forbidden, `access key has no access to project ${projectId}`);
  const headerProject = headers['x-project-id'];
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
