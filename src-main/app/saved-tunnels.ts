/**
 * The records of AWS tunnels the app opened, kept in the secret store under
 * `tunnel/<tunnelId>` so that a tunnel can be reconnected after a restart: where it is,
 * its services, and its source token with the client token it is bound to (a token used
 * with a client token can connect again with the same pair; see the service's token rules).
 *
 * Sandbox tunnels get no record: the sandbox's service lives inside the app and its tunnels
 * end with it. A record is read back only from a persistent store (the OS keychain); in
 * memory it would only ever describe tunnels of this very run, which have their sessions.
 */
import { z } from 'zod';
import type { Logger, SecretRedactor } from '../core/log/logger.js';
import {
  AwsSource,
  describeSchemaError,
  ProtocolVersion,
  ServiceMapping,
  type SavedTunnel,
} from '../ipc/contract.js';
import type { SecretStore } from './secret-store.js';

const PREFIX = 'tunnel/';

/** What a record holds. Validated when read: the file could hold anything. */
export const StoredTunnel = z.strictObject({
  version: z.literal(1),
  source: AwsSource,
  tunnelId: z.string().min(1),
  tunnelArn: z.string(),
  thingName: z.string().min(1),
  mappings: z.array(ServiceMapping).min(1),
  peerVersion: ProtocolVersion,
  /** Secret. */
  sourceAccessToken: z.string().min(1),
  /** Secret: the token's binding, without which it cannot connect again. */
  clientToken: z.string().min(1),
  /** The end of the tunnel's maximum lifetime (ms since the epoch). */
  expiresAt: z.number().nullable(),
  /** When this token was saved (opened, or given a new token). */
  savedAt: z.number(),
});
export type StoredTunnel = z.infer<typeof StoredTunnel>;

/** The secret store's key of a tunnel's record. */
export function storedTunnelKey(tunnelId: string): string {
  return `${PREFIX}${tunnelId}`;
}

/** What the renderer may see of a record: everything but the tokens. */
export function savedTunnelView(record: StoredTunnel): SavedTunnel {
  return {
    tunnelId: record.tunnelId,
    thingName: record.thingName,
    source: record.source,
    services: record.mappings,
    savedAt: record.savedAt,
    expiresAt: record.expiresAt,
  };
}

export class SavedTunnelRecords {
  constructor(
    private readonly store: SecretStore,
    private readonly log: Logger,
    private readonly redactor: SecretRedactor,
  ) {}

  /** Whether records outlive the app (and so are worth offering after a restart). */
  get persistent(): boolean {
    return this.store.kind === 'os-keychain';
  }

  /** Saves a record; a failure is logged, not thrown: the tunnel works, only a restart loses it. */
  async save(record: StoredTunnel): Promise<void> {
    try {
      await this.store.set(storedTunnelKey(record.tunnelId), JSON.stringify(record));
    } catch (error) {
      this.log.warn(
        `cannot save tunnel ${record.tunnelId} to reconnect after a restart: ${(error as Error).message}`,
      );
    }
  }

  /** The record of a tunnel, if there is a valid one (an invalid one is dropped). */
  async read(tunnelId: string): Promise<StoredTunnel | undefined> {
    const text = await this.store.get(storedTunnelKey(tunnelId));
    return text === undefined ? undefined : this.parse(tunnelId, text);
  }

  /** Every valid record. */
  async all(): Promise<StoredTunnel[]> {
    const records: StoredTunnel[] = [];
    for (const key of await this.store.keys(PREFIX)) {
      const record = await this.read(key.slice(PREFIX.length));
      if (record) records.push(record);
    }
    return records;
  }

  /** Drops a tunnel's record (there may be none); says why in the log. */
  async forget(tunnelId: string, why: string): Promise<void> {
    const key = storedTunnelKey(tunnelId);
    if (!(await this.store.keys(key)).includes(key)) return;
    try {
      await this.store.delete(key);
      this.log.info(`forgot the saved token of tunnel ${tunnelId}: ${why}`);
    } catch (error) {
      this.log.warn(`cannot forget tunnel ${tunnelId}: ${(error as Error).message}`);
    }
  }

  private async parse(tunnelId: string, text: string): Promise<StoredTunnel | undefined> {
    let record: StoredTunnel | undefined;
    let problem = 'it is not JSON';
    try {
      const parsed = StoredTunnel.safeParse(JSON.parse(text));
      if (parsed.success) record = parsed.data;
      // Only the field's name: zod's messages may quote a value, and a value may be a token.
      else problem = `field ${describeSchemaError(parsed.error).field}`;
    } catch {
      record = undefined;
    }
    if (record?.tunnelId !== tunnelId) {
      // Neither the text nor zod's account of it is logged: both may quote a token.
      await this.forget(
        tunnelId,
        `its record is not valid (${record ? 'another tunnel id' : problem})`,
      );
      return undefined;
    }
    // Tokens read back are secrets of this run too: no log line may show them.
    this.redactor.add(record.sourceAccessToken);
    this.redactor.add(record.clientToken);
    return record;
  }
}
