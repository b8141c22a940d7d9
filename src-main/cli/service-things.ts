/**
 * `--thing NAME[,thingType=TYPE][,ATTRIBUTE=VALUE...]`: a thing the local service's IoT
 * registry lists beside its built-in ones (ListThings, DescribeThing), e.g.
 * `--thing pump-2,thingType=PumpController,site=lyon`. Thing names hold no "," or "=",
 * so the form needs no quoting rules.
 */
import { ConfigError } from '../core/config/proxy-config.js';
import { ManagementError } from '../core/service/management/errors.js';
import { validateThingSpec, type ThingSpec } from '../core/service/management/things.js';

export const THING_FORMAT = 'NAME[,thingType=TYPE][,ATTRIBUTE=VALUE...]';

export function parseThingSpec(text: string): ThingSpec {
  const [thingName = '', ...pairs] = text.split(',');
  let thingTypeName: string | undefined;
  const attributes: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      throw new ConfigError(`"${pair}" of thing ${thingName} is not ATTRIBUTE=VALUE`, '--thing');
    }
    const [name, value] = [pair.slice(0, at), pair.slice(at + 1)];
    if (name === 'thingType') thingTypeName = value;
    else attributes[name] = value;
  }
  const spec: ThingSpec = {
    thingName,
    ...(thingTypeName === undefined ? {} : { thingTypeName }),
    attributes,
  };
  try {
    validateThingSpec(spec);
  } catch (error) {
    if (error instanceof ManagementError) throw new ConfigError(error.message, '--thing');
    throw error;
  }
  return spec;
}
