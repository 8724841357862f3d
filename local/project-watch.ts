import { readdirSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import { join, sep } from 'node:path';
import { LOCAL_STATE_DIR } from './local-state';

/** Which files of a project `--watch` reacts to: cdk.json's `watch` (as `cdk watch` reads it). */
export interface WatchRules {
  /** Globs relative to the project, e.g. `lib/**`. */
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}

/** Never watched: dependencies, synth output, the local cloud's own state, dot folders. */
const ALWAYS_EXCLUDED = ['node_modules', 'cdk.out', LOCAL_STATE_DIR, '.*'];

/** cdk.json's `watch.include` and `watch.exclude`; without them, every file (as `cdk watch`). */
export function readWatchRules(projectDir: string): WatchRules {
  let watchConfig: { include?: unknown; exclude?: unknown } | undefined;
  try {
    watchConfig = (JSON.parse(readFileSync(join(projectDir, 'cdk.json'), 'utf8')) as { watch?: typeof watchConfig }).watch;
  } catch {
    watchConfig = undefined; // no or unreadable cdk.json: the synth says what is wrong
  }
  const list = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const include = list(watchConfig?.include);
  return { include: include.length > 0 ? include : ['**'], exclude: [...list(watchConfig?.exclude), ...ALWAYS_EXCLUDED] };
}

/** A glob (`*`, `**`, `?`) as a regular expression over a `/`-separated relative path. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  const g = glob.replace(/^\.\//, '').replace(/\/$/, '');
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*' && g[i + 1] === '*') {
      const slash = g[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Whether a glob matches the path or one of its folders (so `node_modules` excludes all beneath it). */
function matches(glob: string, path: string): boolean {
  const re = globToRegExp(glob);
  const parts = path.split('/');
  return parts.some((_, i) => re.test(parts.slice(0, i + 1).join('/')));
}

/** Whether a change of `path` (relative to the project, `/`-separated) is one to react to. */
export function isWatched(rules: WatchRules, path: string): boolean {
  return rules.include.some((g) => matches(g, path)) && !rules.exclude.some((g) => matches(g, path));
}

/** Top-level folders worth watching recursively: not excluded, and where an include may match. */
function watchedFolders(projectDir: string, rules: WatchRules): string[] {
  const firstSegment = (g: string) => g.replace(/^\.\//, '').split('/')[0];
  return readdirSync(projectDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !rules.exclude.some((g) => matches(g, e.name)))
    .filter((e) => rules.include.some((g) => firstSegment(g) === '**' || globToRegExp(firstSegment(g)).test(e.name)))
    .map((e) => e.name);
}

/**
 * Calls `onChange` on every change of a watched file of the project (the top-level files and the watched
 * folders); returns what is watched, for the log, and a way to stop.
 */
export function watchProject(projectDir: string, onChange: (path: string) => void): { folders: string[]; close(): void } {
  const rules = readWatchRules(projectDir);
  const folders = watchedFolders(projectDir, rules);
  const watchers: FSWatcher[] = [];
  const react = (prefix: string) => (_event: string, name: string | Buffer | null) => {
    if (name === null) return;
    const path = join(prefix, String(name)).split(sep).join('/');
    if (isWatched(rules, path)) onChange(path);
  };
  watchers.push(watch(projectDir, react('')));
  for (const folder of folders) watchers.push(watch(join(projectDir, folder), { recursive: true }, react(folder)));
  return { folders: folders.map((f) => `${f}/`), close: () => watchers.forEach((w) => w.close()) };
}
