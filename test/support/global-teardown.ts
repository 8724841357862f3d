import { rmSync } from 'node:fs';

export default function globalTeardown(): void {
  if (process.env.WSP_TEST_RUN_DIR) rmSync(process.env.WSP_TEST_RUN_DIR, { recursive: true, force: true });
}
