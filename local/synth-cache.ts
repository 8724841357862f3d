import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Where cached assemblies are kept, one folder per input hash. */
export const SYNTH_CACHE_FOLDER = '.local-state';
/** How many cached assemblies are kept (the newest), so switching a context value back and forth stays fast. */
const KEPT_ASSEMBLIES = 3;
/** Written last into a complete assembly: a folder without it is an interrupted synth. */
const COMPLETE_MARKER = '.synth-complete';
/** Folders the inputs never include. */
const SKIPPED = new Set(['node_modules', 'cdk.out', '.git', SYNTH_CACHE_FOLDER]);

/** What decides a synthesized assembly. */
export interface SynthInputs {
  /** The CDK project's root (where cdk.json is). */
  readonly projectDir: string;
  /** Context given on the command line (`-c key=value`). */
  readonly context?: Record<string, string>;
  /** Anything else the synth depends on (another app command…). */
  readonly extra?: readonly string[];
}

/** The folders cdk.json's `watch.include` names (`lib/**` → `lib`), or the usual source folders. */
function sourceFolders(projectDir: string, cdkJson: { watch?: { include?: unknown } }): string[] {
  const include = Array.isArray(cdkJson.watch?.include) ? cdkJson.watch!.include.filter((p): p is string => typeof p === 'string') : [];
  const folders = include.map((p) => p.split(/[*{]/)[0]!.replace(/\/+$/, '')).filter((p) => p !== '' && p !== '.');
  return folders.length ? [...new Set(folders)] : ['bin', 'lib', 'src', 'lambdas', 'shared'].filter((f) => existsSync(join(projectDir, f)));
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  if (statSync(dir).isFile()) return [dir];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !SKIPPED.has(e.name))
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []))
    .sort();
}

function versionOf(projectDir: string, pkg: string): string {
  try {
    return String((JSON.parse(readFileSync(join(projectDir, 'node_modules', pkg, 'package.json'), 'utf8')) as { version?: unknown }).version);
  } catch {
    return 'none';
  }
}

/**
 * The hash of everything a synth reads: the source folders' files (names and contents), cdk.json, the lock
 * file, the CDK library's and CLI's versions, Node's major version and the context.
 */
export function synthInputsHash(inputs: SynthInputs): string {
  const { projectDir } = inputs;
  const hash = createHash('sha256');
  const add = (label: string, value: string | Buffer) => hash.update(`${label}\0`).update(value).update('\0');
  const cdkJsonPath = join(projectDir, 'cdk.json');
  const cdkJsonText = existsSync(cdkJsonPath) ? readFileSync(cdkJsonPath, 'utf8') : '{}';
  add('cdk.json', cdkJsonText);
  for (const lock of ['package-lock.json', 'yarn.lock', 'pnpm-lock.yaml']) {
    const path = join(projectDir, lock);
    if (existsSync(path)) add(lock, readFileSync(path));
  }
  add('versions', `${versionOf(projectDir, 'aws-cdk-lib')} ${versionOf(projectDir, 'aws-cdk')} node${process.versions.node.split('.')[0]}`);
  const context = Object.entries(inputs.context ?? {}).sort(([a], [b]) => a.localeCompare(b));
  add('context', JSON.stringify(context));
  add('extra', JSON.stringify(inputs.extra ?? []));
  for (const folder of sourceFolders(projectDir, JSON.parse(cdkJsonText) as { watch?: { include?: unknown } })) {
    for (const file of filesUnder(join(projectDir, folder))) add(relative(projectDir, file), readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The synthesized assembly for these inputs: reused from `.local-state/cdk.out-<hash>` when nothing it depends
 * on changed, else synthesized there by `synthesize` (into a temporary folder first, so an interrupted synth is
 * never reused). Older assemblies beyond the newest {@link KEPT_ASSEMBLIES} are deleted.
 */
export async function cachedAssembly(
  inputs: SynthInputs,
  synthesize: (outDir: string) => Promise<void>,
  log: (line: string) => void = () => undefined,
): Promise<string> {
  const started = Date.now();
  const cacheDir = join(inputs.projectDir, SYNTH_CACHE_FOLDER);
  const key = synthInputsHash(inputs);
  const outDir = join(cacheDir, `cdk.out-${key}`);
  if (existsSync(join(outDir, COMPLETE_MARKER))) {
    const now = new Date();
    utimesSync(outDir, now, now);
    log(`synth     nothing changed: reusing ${relative(inputs.projectDir, outDir)} (inputs hashed in ${Date.now() - started} ms)`);
    return outDir;
  }
  mkdirSync(cacheDir, { recursive: true });
  const partial = `${outDir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  try {
    await synthesize(partial);
    writeFileSync(join(partial, COMPLETE_MARKER), new Date().toISOString());
    rmSync(outDir, { recursive: true, force: true });
    renameSync(partial, outDir);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  pruneOldAssemblies(cacheDir, outDir);
  return outDir;
}

function pruneOldAssemblies(cacheDir: string, keep: string): void {
  const assemblies = readdirSync(cacheDir)
    .filter((name) => name.startsWith('cdk.out-') && !name.includes('.partial-'))
    .map((name) => join(cacheDir, name))
    .filter((dir) => dir !== keep)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  for (const dir of assemblies.slice(KEPT_ASSEMBLIES - 1)) rmSync(dir, { recursive: true, force: true });
}
