/**
 * What a config must pass to be deployed: everything the function's own loader checks, plus no
 * placeholder ids left over from the shipped example. Used by `osls package`/`deploy` (through
 * deploy/config-guard.cjs, which bundles this file) and by `npm run check`, so both refuse the
 * same files with the same messages. The function itself does not apply the placeholder rule: a
 * placeholder is a valid id, it just names nobody's project.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError, type ConfigIssue } from './errors.js';
import { type LoadedConfig, loadConfig } from './schedule/config.js';
import { formatPath, locate, type RawIssue } from './schedule/issues.js';

/** Ids in config/schedule.yaml and config/schedule.example.yaml that match no real project or graph. */
export const PLACEHOLDER_PROJECT_IDS: readonly string[] = [
  '0123456789abcdef0123456789abcdef',
  'fedcba9876543210fedcba9876543210',
];
export const PLACEHOLDER_GRAPH_IDS: readonly string[] = [
  '11111111-2222-3333-4444-555555555555',
  '66666666-7777-8888-9999-000000000000',
];

/**
 * What a valid config must not carry into a deployment: the example's placeholder ids, and
 * endpoints on this machine; each with the path of the key to edit.
 */
export function placeholderIssues(loaded: LoadedConfig, file: string): RawIssue[] {
  return [...loopbackIssues(loaded), ...placeholderIdIssues(loaded, file)];
}

/**
 * Endpoints on this machine: a valid config (the local sandbox runs it), which a deployed
 * function cannot reach. `npm run check` says so as a warning; a deploy refuses it.
 */
export function loopbackIssues(loaded: LoadedConfig): RawIssue[] {
  const issues: RawIssue[] = [];
  loaded.config.projects.forEach((project, i) => {
    const endpoint = new URL(project.endpoint);
    if (endpoint.protocol === 'http:') {
      // Only loopback passes the loader with http: the local sandbox, which a Lambda cannot reach.
      issues.push({
        path: ['projects', i, 'endpoint'],
        message:
          `${project.endpoint} is this machine (the local sandbox's config?): a deployed function cannot ` +
          `reach it; remove the endpoint so that the region's GES endpoint is used, or give your GES endpoint (https)`,
      });
    }
  });
  return issues;
}

/** The example's placeholder ids, which name nobody's project or graph. */
export function placeholderIdIssues(loaded: LoadedConfig, file: string): RawIssue[] {
  const issues: RawIssue[] = [];
  loaded.config.projects.forEach((project, i) => {
    if (PLACEHOLDER_PROJECT_IDS.includes(project.projectId)) {
      issues.push({
        path: ['projects', i, 'projectId'],
        message:
          `${project.projectId} is the example's placeholder project id: replace it in ${file} with ` +
          'the id of your Huawei Cloud project (console: My Credentials > API Credentials, 32 hex characters)',
      });
    }
    project.graphs.forEach((graph, j) => {
      if (graph.id !== undefined && PLACEHOLDER_GRAPH_IDS.includes(graph.id)) {
        issues.push({
          path: ['projects', i, 'graphs', j, 'id'],
          message:
            `${graph.id} is the example's placeholder graph id: replace it in ${file} with the id of ` +
            'your graph (GES console, graph details), or give the graph by name instead',
        });
      }
    });
  });
  return issues;
}

/**
 * Loads `file` with the function's loader and refuses placeholder ids. Resolves to the config and
 * its warnings; rejects with the loader's ConfigError, or a ConfigError listing the placeholders.
 */
export async function loadDeployableConfig(file: string, now: Date): Promise<LoadedConfig> {
  const loaded = await loadConfig(file, now);
  const issues = placeholderIssues(loaded, file);
  if (issues.length === 0) return loaded;
  throw new ConfigError(file, await located(file, issues));
}

/**
 * What `npm run check` loads: refused like a deploy refuses it, except endpoints on this machine,
 * which are returned (located) for the check to warn about: the config is valid, just not deployable.
 */
export async function loadCheckedConfig(
  file: string,
  now: Date,
): Promise<{ loaded: LoadedConfig; undeployable: ConfigIssue[] }> {
  const loaded = await loadConfig(file, now);
  const issues = placeholderIdIssues(loaded, file);
  if (issues.length > 0) throw new ConfigError(file, await located(file, issues));
  const loopback = loopbackIssues(loaded);
  return { loaded, undeployable: loopback.length === 0 ? [] : await located(file, loopback) };
}

/** Adds line and column, as the loader does (without them if the file changed under us). */
async function located(file: string, issues: readonly RawIssue[]): Promise<ConfigIssue[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
  }
  const lines = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter: lines });
  return locate(issues, doc, lines);
}
