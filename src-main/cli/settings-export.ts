/** `tunneldesk proxy --export-default-settings FILE`: writes the defaults and stops. */
import { writeFileSync } from 'node:fs';
import { ConfigError } from '../core/config/proxy-config.js';
import type { CommandIo } from './io.js';

export function exportSettings(request: { file: string; text: string }, io: CommandIo): number {
  try {
    writeFileSync(request.file, request.text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `cannot write "${request.file}"${code ? ` (${code})` : ''}`,
      '--export-default-settings',
    );
  }
  io.out(`wrote the default settings to ${request.file}`);
  return 0;
}
