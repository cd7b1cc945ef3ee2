/**
 * Types for the two undici modules the transport imports by path instead of through the package
 * index, which would also load (and bundle) fetch, WebSocket, the cache and the mock agent.
 * undici has no `exports` map, so these paths resolve in Node, tsx, vitest and esbuild alike.
 */
declare module 'undici/lib/dispatcher/pool.js' {
  import { Pool } from 'undici';
  export default Pool;
}

declare module 'undici/lib/core/errors.js' {
  import { errors } from 'undici';
  export default errors;
}
