'use strict';
/**
 * osls (Serverless Framework v3) `invoke local` loads a handler with require(), trying `.js` and
 * `.cjs` but never `.mjs` (serverless/serverless#11366). The bundle must stay `.mjs` for Lambda,
 * because serverless-esbuild ships no package.json to mark `.js` as ESM. So, for local invokes
 * only, this writes a `.cjs` shim next to each bundled `.mjs` handler that imports it. Nothing it
 * writes is packaged: it runs after the build, on `invoke local` alone.
 */
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

class InvokeLocalEsm {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:invoke:local:invoke': () => this.writeShims() };
  }

  writeShims() {
    const serviceDir = this.serverless.serviceDir || this.serverless.config.servicePath;
    for (const name of this.serverless.service.getAllFunctions()) {
      const handler = this.serverless.service.getFunction(name).handler;
      const dot = handler.lastIndexOf('.');
      const base = path.join(serviceDir, handler.slice(0, dot));
      const exported = handler.slice(dot + 1);
      if (!fs.existsSync(`${base}.mjs`) || fs.existsSync(`${base}.js`)) continue;
      const target = JSON.stringify(pathToFileURL(`${base}.mjs`).href);
      fs.writeFileSync(
        `${base}.cjs`,
        `'use strict';\n// Written by deploy/invoke-local-esm.cjs for osls invoke local only.\n` +
          `exports[${JSON.stringify(exported)}] = (event, context) =>\n` +
          `  import(${target}).then((m) => m[${JSON.stringify(exported)}](event, context));\n`,
      );
    }
  }
}

module.exports = InvokeLocalEsm;
