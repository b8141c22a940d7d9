/**
 * The options `connect`, `ssh` and `ssh-config` share: the thing, the service, and how to
 * reach the control plane (`--profile/--region/--endpoint-url`, or `--sandbox`). Parsed
 * with node's parseArgs (strict-args.ts); every mistake is a ConfigError that names the
 * option.
 */
import { ConfigError } from '../core/config/proxy-config.js';
import { validateServiceId } from '../core/config/port-mapping.js';
import { resolve } from 'node:path';
import { SANDBOX_SSH_PORT_VARIABLE } from './cloud-access.js';
import { parseStrict, type OptionSpecs, type OptionValues } from './strict-args.js';
import { DEFAULT_SSH_SERVICE, type TargetChoice } from './tunnel-supply.js';

/** AWS's rule for thing names. */
const THING_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;

export const TARGET_OPTIONS = {
  service: { type: 'string' },
  sandbox: { type: 'boolean' },
  'sandbox-ssh-port': { type: 'string' },
  profile: { type: 'string' },
  region: { type: 'string' },
  'endpoint-url': { type: 'string' },
  'ca-bundle': { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface TargetArgs {
  readonly choice: TargetChoice;
  readonly serviceId: string;
  readonly verbose: boolean;
}

type Values = OptionValues;

/** Parses argv with the shared options and `extra`; unknown options are named. */
export function parseCommandArgs(
  argv: readonly string[],
  extra: OptionSpecs,
  command: string,
): { values: Values; positionals: string[]; afterDashes: string[] } {
  const dashes = argv.indexOf('--');
  const own = dashes < 0 ? [...argv] : argv.slice(0, dashes);
  const afterDashes = dashes < 0 ? [] : argv.slice(dashes + 1);
  const { values, positionals } = parseStrict(own, { ...TARGET_OPTIONS, ...extra }, command);
  return { values, positionals, afterDashes };
}

/** Checks a thing name as AWS does. */
export function checkThingName(name: string | undefined, command: string): string {
  if (name === undefined || name === '') {
    throw new ConfigError(`name the thing (the device), e.g. tunneldesk ${command} kiosk-lobby`);
  }
  if (!THING_NAME.test(name)) {
    throw new ConfigError(
      `"${name}" is not a thing name; a thing name is 1 to 128 letters, digits, ':', '_' or '-'`,
    );
  }
  return name;
}

/** The control plane and service from the shared options (cloud-access checks the rest). */
export function targetOf(values: Values, env: Record<string, string | undefined>): TargetArgs {
  const serviceId = (values.service as string | undefined) ?? DEFAULT_SSH_SERVICE;
  validateServiceId(serviceId, `"${serviceId}"`, '--service');
  const verbose = values.verbose === true;
  const text = (name: string): string | undefined => values[name] as string | undefined;
  if (values.sandbox === true) {
    const awsFlag = ['profile', 'region', 'endpoint-url', 'ca-bundle'].find(
      (flag) => values[flag] !== undefined,
    );
    if (awsFlag) {
      throw new ConfigError(
        `--sandbox runs its own tunnel service, so it takes no --${awsFlag}; give one or the other`,
      );
    }
    const portText = text('sandbox-ssh-port') ?? env[SANDBOX_SSH_PORT_VARIABLE];
    let sandboxSshPort: number | undefined;
    if (portText !== undefined) {
      sandboxSshPort = /^[0-9]+$/.test(portText) ? Number(portText) : NaN;
      if (!(sandboxSshPort >= 1 && sandboxSshPort <= 65_535)) {
        throw new ConfigError(
          `"${portText}" is not a port; a port is 1 to 65535`,
          '--sandbox-ssh-port',
        );
      }
    }
    return {
      choice: { sandbox: true, ...(sandboxSshPort === undefined ? {} : { sandboxSshPort }) },
      serviceId,
      verbose,
    };
  }
  if (values['sandbox-ssh-port'] !== undefined) {
    throw new ConfigError('--sandbox-ssh-port only applies with --sandbox');
  }
  const region = text('region');
  if (region !== undefined && !/^[a-z0-9-]{1,64}$/.test(region)) {
    throw new ConfigError(`"${region}" is not a region, e.g. us-east-1`, '--region');
  }
  const choice: TargetChoice = {};
  const entries: [keyof TargetChoice, string | undefined][] = [
    ['profile', text('profile')],
    ['region', region],
    ['endpointUrl', text('endpoint-url')],
    ['caBundle', text('ca-bundle')],
  ];
  for (const [key, value] of entries) {
    if (value !== undefined) (choice as Record<string, string>)[key] = value;
  }
  return { choice, serviceId, verbose };
}

/** The same choice as flags again, for the command a ProxyCommand or a holder runs. */
export function targetFlags(target: TargetArgs): string[] {
  const { choice } = target;
  const flags = ['--service', target.serviceId];
  if (choice.sandbox) {
    flags.push('--sandbox');
    if (choice.sandboxSshPort !== undefined) {
      flags.push('--sandbox-ssh-port', String(choice.sandboxSshPort));
    }
    return flags;
  }
  if (choice.profile !== undefined) flags.push('--profile', choice.profile);
  if (choice.region !== undefined) flags.push('--region', choice.region);
  if (choice.endpointUrl !== undefined) flags.push('--endpoint-url', choice.endpointUrl);
  if (choice.caBundle !== undefined) flags.push('--ca-bundle', resolve(choice.caBundle));
  return flags;
}

export const TARGET_HELP = `  --service ID           the tunnel's SSH service (${DEFAULT_SSH_SERVICE} by default)
  --profile NAME         an AWS profile (SSO included); AWS_PROFILE or the default chain otherwise
  --region REGION        the AWS region (AWS_REGION, or the profile's, otherwise)
  --endpoint-url URL     an API endpoint with the same API (e.g. a local tunnel service)
  --ca-bundle FILE       a PEM certificate to trust for that endpoint
  --sandbox              the built-in sandbox instead of AWS (its devices forward SSH to 127.0.0.1:22)
  --sandbox-ssh-port N   with --sandbox: forward the devices' SSH to 127.0.0.1:N instead
                         (or TUNNELDESK_SANDBOX_SSH_PORT)
  -v, --verbose          log what happens (to stderr)`;
