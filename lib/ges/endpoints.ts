/** GES endpoints by region (docs/ges-api.md, "Endpoints"). */

export const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d{1,3}$/;

/** `https://ges.{region}.myhuaweicloud.com`, except eu-west-101 which lives under `.eu`. */
export function defaultEndpoint(region: string): string {
  const domain = region === 'eu-west-101' ? 'myhuaweicloud.eu' : 'myhuaweicloud.com';
  return `https://ges.${region}.${domain}`;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** `https:` anywhere; plain `http:` only on a loopback host (the local sandbox). */
export function endpointProblem(endpoint: string): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'is not a URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.search || url.hash) return 'must not have a query or fragment';
  if (url.pathname !== '/' && url.pathname !== '')
    return 'must not have a path (the API paths are added to it)';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  if (url.protocol === 'http:')
    return 'must use https: (plain http: is allowed only for 127.0.0.1, localhost and ::1)';
  return `must use https:, not ${url.protocol}`;
}
