import { execFileSync } from 'node:child_process';

/**
 * `describe` when nothing is missing, else `describe.skip` with the reason in the suite's name (and one warning
 * line): the choice is made when the test file loads, so a suite never passes by returning early.
 * @param missing what this machine lacks for the suite, e.g. `/usr/bin/chromium not installed`; undefined when all is there
 */
export function describeRequiring(missing: string | undefined): (name: string, suite: () => void) => void {
  if (missing === undefined) return (name, suite) => describe(name, suite);
  return (name, suite) => {
    console.warn(`*** SKIPPED: ${name} (${missing}) ***`);
    describe.skip(`${name} (skipped: ${missing})`, suite);
  };
}

function answersVersion(cli: string): boolean {
  try {
    execFileSync(cli, ['--version'], { stdio: 'pipe', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

/** The AWS CLIs found by {@link findAwsClis}, and why the CLI suites cannot run when there is none. */
export interface AwsClis {
  readonly clis: readonly string[];
  readonly missing: string | undefined;
}

/** The AWS CLIs on this machine (v1 on PATH, v2 at /usr/bin/aws when installed): call it once, at a file's load. */
export function findAwsClis(): AwsClis {
  const clis = ['aws', '/usr/bin/aws'].filter(answersVersion);
  return { clis, missing: clis.length === 0 ? 'no AWS CLI installed (`aws` on PATH or /usr/bin/aws)' : undefined };
}
