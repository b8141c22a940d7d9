/**
 * `--settings-json`: reads the reference's settings file for `tunneldesk proxy`, and the
 * region endpoint it may override (`region_endpoint_overrides`, `endpoint_format`).
 */
import { readFileSync } from 'node:fs';
import { parseServiceEndpoint } from '../core/config/endpoint.js';
import { ConfigError, type ServiceEndpoint } from '../core/config/proxy-config.js';
import {
  parseReferenceSettings,
  type ReferenceSettings,
} from '../core/config/reference-settings.js';

/** Reads and checks a settings file; `where` names the flag or config line that gave it. */
export function readSettingsFile(path: string, where: string): ReferenceSettings {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(code);
    throw new ConfigError(`cannot read "${path}": ${why}`, where);
  }
  return parseReferenceSettings(text, path);
}

/** The endpoint of a region, as the settings file may override it (the reference's order). */
export function regionEndpointOf(
  byRegion: ServiceEndpoint,
  region: string,
  settings: ReferenceSettings | undefined,
): ServiceEndpoint {
  const override = settings?.regionEndpoints.get(region);
  const origin = `${byRegion.origin}, from --settings-json`;
  if (override !== undefined) {
    return parseServiceEndpoint(
      override,
      `--settings-json: tunneling.proxy.region_endpoint_overrides.${region}`,
      origin,
    );
  }
  if (settings?.endpointFormat !== undefined) {
    return parseServiceEndpoint(
      settings.endpointFormat.replace('%s', region),
      '--settings-json: tunneling.proxy.endpoint_format',
      origin,
    );
  }
  return byRegion;
}
