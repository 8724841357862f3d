import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../lib/constructs/handler-bundle';

/**
 * The AWS SDK v3 the local runtime provides, as Lambda's Node.js runtime does to functions bundled without
 * it (NodejsFunction leaves `@aws-sdk/*` out by default): a function's `@aws-sdk/…` or `@smithy/…` require
 * that its own folders cannot resolve is resolved from this package's installation.
 */
export interface ProvidedSdk {
  /** Where the fallback resolution starts (its `node_modules`, then the folders above). */
  readonly root: string;
  /** The SDK packages this package depends on, named in the error when another one is missing. */
  readonly packages: readonly string[];
}

/** The SDK of this package's installation. */
export function providedSdk(): ProvidedSdk {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return { root: PACKAGE_ROOT, packages: Object.keys(pkg.dependencies ?? {}).filter((name) => name.startsWith('@aws-sdk/')) };
}
