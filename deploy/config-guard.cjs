'use strict';
/**
 * osls plugin: `osls package`, `osls deploy` and `osls deploy function` refuse, before anything is
 * built, a schedule config (custom.scheduleConfig) that the deployed function would refuse on
 * every run with CONFIG_INVALID, or that still holds the example's placeholder ids. The checks are
 * the function's own loader, lib/deploy-checks.ts (shared with `npm run check`): TypeScript, so
 * this bundles it with esbuild into a throw-away CommonJS file and requires that (~0.2 s, no
 * child process). Warnings are printed and do not refuse.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ENTRY = path.join(__dirname, '..', 'lib', 'deploy-checks.ts');

/** lib/deploy-checks.ts, bundled with its dependencies (yaml, valibot, cron-parser) and loaded. */
function loadChecks() {
  const esbuild = require('esbuild');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ges-offhours-config-guard-'));
  try {
    const outfile = path.join(dir, 'deploy-checks.cjs');
    esbuild.buildSync({
      entryPoints: [ENTRY],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'silent',
    });
    return require(outfile);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

class ConfigGuard {
  constructor(serverless, _options, utils) {
    this.serverless = serverless;
    this.log = utils?.log;
    const check = () => this.check();
    this.hooks = {
      // `deploy` spawns `package` unless given a prebuilt --package, so this covers it too.
      'before:package:cleanup': check,
      'before:deploy:function:initialize': check,
    };
  }

  async check() {
    const started = performance.now();
    const serviceDir = this.serverless.serviceDir || this.serverless.config.servicePath;
    const configured = this.serverless.service.custom?.scheduleConfig;
    if (typeof configured !== 'string' || configured === '') {
      this.refuse('custom.scheduleConfig must name the schedule config shipped in the package');
    }
    const absolute = path.resolve(serviceDir, configured);
    const file = path.relative(process.cwd(), absolute) || absolute;
    const { loadDeployableConfig } = loadChecks();
    let loaded;
    try {
      loaded = await loadDeployableConfig(file, new Date());
    } catch (error) {
      if (error?.code !== 'CONFIG_INVALID') throw error;
      this.refuse(
        `${error.message}\n\nNothing was packaged or deployed. Fix the config, then check it with:\n` +
          `  npm run check -- ${file}`,
      );
    }
    for (const warning of loaded.warnings) {
      const text = `${file}: ${warning.path === '' ? '' : `${warning.path}: `}${warning.message}`;
      if (this.log) this.log.warning(text);
      else this.serverless.cli.log(`Warning: ${text}`);
    }
    this.log?.verbose(`Schedule config ${file} checked in ${Math.round(performance.now() - started)} ms`);
  }

  refuse(message) {
    throw new this.serverless.classes.Error(message, 'GES_OFFHOURS_CONFIG_INVALID');
  }
}

module.exports = ConfigGuard;
