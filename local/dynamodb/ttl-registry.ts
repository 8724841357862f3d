import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** The TTL setting of one table, as `DescribeTimeToLive` reports it. */
export interface TtlSetting {
  readonly attributeName: string;
  readonly enabled: boolean;
}

/** File (inside a persistent dynalite directory) that keeps the TTL settings across restarts. */
export const TTL_FILE_NAME = 'local-cloud-ttl.json';

/**
 * Remembers each table's TTL attribute (dynalite has no `UpdateTimeToLive`; its `DescribeTimeToLive`
 * always answers `DISABLED`). When a directory is given the settings are saved next to the LevelDB files,
 * so a persisted table keeps its TTL across restarts.
 */
export class TtlRegistry {
  private readonly settings = new Map<string, TtlSetting>();

  constructor(private readonly dir?: string) {}

  /** Loads saved settings (no-op in memory or when nothing was saved yet). */
  async load(): Promise<void> {
    if (!this.dir) return;
    try {
      const raw = JSON.parse(await fs.readFile(path.join(this.dir, TTL_FILE_NAME), 'utf8')) as Record<string, TtlSetting>;
      for (const [table, s] of Object.entries(raw)) {
        if (s && typeof s.attributeName === 'string') this.settings.set(table, { attributeName: s.attributeName, enabled: !!s.enabled });
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  /** The setting of a table, if TTL was ever configured on it. */
  get(table: string): TtlSetting | undefined {
    return this.settings.get(table);
  }

  /** Tables whose TTL is enabled, with their attribute. */
  enabled(): Array<{ table: string; attributeName: string }> {
    return [...this.settings.entries()].filter(([, s]) => s.enabled).map(([table, s]) => ({ table, attributeName: s.attributeName }));
  }

  /** Sets (or replaces) a table's setting. */
  async set(table: string, setting: TtlSetting): Promise<void> {
    this.settings.set(table, setting);
    await this.save();
  }

  /** Forgets a table (it was deleted). */
  async delete(table: string): Promise<void> {
    if (this.settings.delete(table)) await this.save();
  }

  private async save(): Promise<void> {
    if (!this.dir) return;
    await fs.mkdir(this.dir, { recursive: true });
    const file = path.join(this.dir, TTL_FILE_NAME);
    await fs.writeFile(`${file}.tmp`, JSON.stringify(Object.fromEntries(this.settings), null, 2));
    await fs.rename(`${file}.tmp`, file);
  }
}
