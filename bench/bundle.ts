/**
 * The Lambda bundle exactly as `osls package` builds it: serverless.yml's `custom.esbuild` options,
 * translated the way serverless-esbuild 1.57 translates them (its own keys dropped, `exclude` made
 * `external`, `outputFileExtension` made `outExtension`), for the handler's entry file.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { parse } from 'yaml';

/** serverless-esbuild options that are not esbuild's (dist/bundle.js of 1.57). */
const PLUGIN_KEYS = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
];

interface ServerlessFile {
  custom: { esbuild: Record<string, unknown> };
  functions: Record<string, { handler: string }>;
}

export interface ShippedBuild {
  /** The entry file, e.g. `functions/stop-graphs.ts`. */
  readonly entry: string;
  /** Output path of the entry relative to the package root, e.g. `functions/stop-graphs.mjs`. */
  readonly entryOut: string;
  readonly options: BuildOptions;
}

/** The esbuild options and entry serverless.yml ships (its one function). */
export function shippedBuild(repo: string): ShippedBuild {
  const sls = parse(readFileSync(join(repo, 'serverless.yml'), 'utf8')) as ServerlessFile;
  const custom = sls.custom.esbuild;
  const exclude = asStrings(custom.exclude);
  const ext = typeof custom.outputFileExtension === 'string' ? custom.outputFileExtension : '.js';
  const options: Record<string, unknown> = { ...custom };
  for (const key of PLUGIN_KEYS) delete options[key];
  options.external = [...asStrings(custom.external), ...(exclude.includes('*') ? [] : exclude)];
  if (ext !== '.js') options.outExtension = { '.js': ext };
  const [fn] = Object.values(sls.functions);
  if (!fn) throw new Error('serverless.yml defines no function');
  const base = fn.handler.slice(0, fn.handler.lastIndexOf('.'));
  return { entry: `${base}.ts`, entryOut: `${base}${ext}`, options: options as BuildOptions };
}

function asStrings(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

export interface OutputFile {
  /** Relative to the package root, e.g. `functions/chunks/transport-AB12CD34.mjs`. */
  readonly path: string;
  readonly bytes: number;
  /** Bytes per npm package (or `lib`, `functions`) in this file, largest first. */
  readonly packages: readonly { readonly name: string; readonly bytes: number }[];
}

export interface BundleReport {
  readonly entry: OutputFile;
  /** Other JS files (lazily imported chunks), largest first. */
  readonly chunks: readonly OutputFile[];
  /** Every JS file, entry included. */
  readonly jsBytes: number;
  readonly mapBytes: number;
  /** Absolute path of the built entry. */
  readonly entryPath: string;
  /**
   * What a scheduled run with a Secrets Manager secret loads: the entry, the chunks it imports
   * lazily on that path (the HTTP stack, the GES client, the Secrets Manager client and the
   * environment credential provider), and everything those import statically.
   */
  readonly runPath: { readonly roots: readonly string[]; readonly bytes: number; readonly files: number };
}

/** Source files whose chunks a scheduled run imports lazily (see BundleReport.runPath). */
const RUN_PATH_INPUTS = [
  /lib\/http\/transport\.ts$/,
  /lib\/ges\/client\.ts$/,
  /@aws-sdk\/client-secrets-manager\/dist-es\/index\.js$/,
  /@aws-sdk\/credential-provider-env\/dist-es\/index\.js$/,
];

/**
 * Builds into `<outRoot>/<dirname(entry)>`, as serverless-esbuild does into `.esbuild/.build`.
 * `overrides` are esbuild options layered on top (alternatives measured for comparison).
 */
export async function buildBundle(
  repo: string,
  outRoot: string,
  overrides: BuildOptions = {},
): Promise<BundleReport> {
  const shipped = shippedBuild(repo);
  const result = await build({
    ...shipped.options,
    ...overrides,
    absWorkingDir: repo,
    entryPoints: [shipped.entry],
    outdir: join(outRoot, shipped.entryOut, '..'),
    metafile: true,
    logLevel: 'error',
  });
  const files: OutputFile[] = [];
  let mapBytes = 0;
  let entry: OutputFile | undefined;
  for (const [path, output] of Object.entries(result.metafile.outputs)) {
    const rel = relative(outRoot, join(repo, path));
    if (path.endsWith('.map')) {
      mapBytes += output.bytes;
      continue;
    }
    const file = { path: rel, bytes: output.bytes, packages: packagesOf(output.inputs) };
    if (output.entryPoint === shipped.entry) entry = file;
    else files.push(file);
  }
  if (!entry) throw new Error(`esbuild produced no output for ${shipped.entry}`);
  files.sort((a, b) => b.bytes - a.bytes);
  const outputs = result.metafile.outputs;
  const entryKey = Object.keys(outputs).find((k) => outputs[k]!.entryPoint === shipped.entry)!;
  const roots = [
    entryKey,
    ...Object.keys(outputs).filter(
      (k) =>
        !k.endsWith('.map') &&
        Object.keys(outputs[k]!.inputs).some((i) => RUN_PATH_INPUTS.some((r) => r.test(i))),
    ),
  ];
  const loaded = new Set<string>();
  const visit = (key: string) => {
    if (loaded.has(key) || !outputs[key]) return;
    loaded.add(key);
    for (const i of outputs[key].imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  for (const root of roots) visit(root);
  const abs = (key: string) => join(repo, key);
  return {
    entry,
    chunks: files,
    jsBytes: entry.bytes + files.reduce((sum, f) => sum + f.bytes, 0),
    mapBytes,
    entryPath: join(outRoot, entry.path),
    runPath: {
      roots: roots.map(abs),
      bytes: [...loaded].reduce((sum, k) => sum + outputs[k]!.bytes, 0),
      files: loaded.size,
    },
  };
}

function packagesOf(inputs: Record<string, { bytesInOutput: number }>): OutputFile['packages'] {
  const bytes = new Map<string, number>();
  for (const [path, input] of Object.entries(inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    const name = match ? match[1]! : (path.split('/')[0] ?? path);
    bytes.set(name, (bytes.get(name) ?? 0) + input.bytesInOutput);
  }
  return [...bytes]
    .map(([name, n]) => ({ name, bytes: n }))
    .filter((p) => p.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
}
