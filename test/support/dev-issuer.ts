import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateDevIssuer, type DevIssuer } from '../../local/dev-issuer';

/** The development issuer of this test run: one key pair shared by the test files of the run. */
export function runDevIssuer(): Promise<DevIssuer> {
  return loadOrCreateDevIssuer(join(process.env.WSP_TEST_RUN_DIR ?? mkdtempSync(join(tmpdir(), 'wsp-issuer-')), 'dev-issuer'));
}
