import { join } from 'node:path';

/** The folder where the local cloud keeps its state in the project it runs (to git-ignore). */
export const LOCAL_STATE_DIR = '.local-state';

/** A path under the project's {@link LOCAL_STATE_DIR}. */
export function localStatePath(projectDir: string, ...parts: string[]): string {
  return join(projectDir, LOCAL_STATE_DIR, ...parts);
}
