/**
 * The options every command that reaches the control plane shares (`open`, `tunnels`,
 * `close`, and h14b's `ssh`/`connect`): where tunnels are managed, as the AWS CLI names it
 * (`--profile`, `--region`, `--endpoint-url`, `--ca-bundle`) or `--sandbox`, plus `--json`
 * and `-v`. Parsing is commander's; mistakes come back as ConfigErrors naming the flag.
 */
import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '../core/config/proxy-config.js';
import { LogLevel, toLogLevel } from '../core/log/logger.js';
import { SANDBOX_SSH_PORT_VARIABLE, type CloudAccessOptions } from './cloud-access.js';

/** A command with help and errors handed back instead of printed, and the shared options. */
export function cloudCommand(name: string, description: string): Command {
  return new Command(`tunneldesk ${name}`)
    .description(description)
    .helpOption(false)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} })
    .configureHelp({ helpWidth: 100 })
    .addOption(new Option('-h, --help', 'show this help and exit'))
    .addOption(
      new Option(
        '--profile <name>',
        'AWS profile (~/.aws/config, SSO included); AWS_PROFILE or the default chain when absent',
      ),
    )
    .addOption(
      new Option('--region <region>', "AWS region; AWS_REGION or the profile's when absent"),
    )
    .addOption(
      new Option(
        '--endpoint-url <url>',
        "a management API instead of AWS's, e.g. `tunneldesk service`'s http(s)://127.0.0.1:8443",
      ),
    )
    .addOption(
      new Option(
        '--ca-bundle <file>',
        'PEM certificate to trust for --endpoint-url (AWS_CA_BUNDLE)',
      ),
    )
    .addOption(new Option('--json', 'machine-readable output (JSON on stdout)'))
    .addOption(
      new Option(
        '-v, --verbose <level>',
        'log level on stderr: 0 off, 1 fatal, 2 error, 3 warning (the default), 4 info, 5 debug, 6 trace',
      ),
    );
}

/** Adds `--sandbox` and `--sandbox-ssh-port` (commands whose tunnels live in this process). */
export function withSandbox(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--sandbox',
        'a local service with simulated devices, in this process (no AWS account needed)',
      ),
    )
    .addOption(
      new Option(
        '--sandbox-ssh-port <port>',
        `where the sandbox devices' SSH services forward on 127.0.0.1 (${SANDBOX_SSH_PORT_VARIABLE}; 22 by default)`,
      ),
    );
}

/** A commander error as a ConfigError that names the flag or argument. */
export function commanderMistake(
  error: CommanderError,
  argv: readonly string[],
  name: string,
): ConfigError {
  const flag = /option '(-[^', ]+)/.exec(error.message)?.[1];
  switch (error.code) {
    case 'commander.unknownOption':
      return new ConfigError(
        `unknown option "${flag ?? argv.find((arg) => arg.startsWith('-'))}"; 'tunneldesk ${name} --help' lists the options`,
      );
    case 'commander.optionMissingArgument':
      return new ConfigError('needs a value', flag);
    case 'commander.missingArgument':
    case 'commander.excessArguments':
      return new ConfigError(
        `${error.message.replace(/^error: /, '')}; 'tunneldesk ${name} --help' shows the usage`,
      );
    default:
      return new ConfigError(error.message.replace(/^error: /, ''));
  }
}

/** Parses argv with the command; the parsed options, or help's text. */
export function parseWith(
  command: Command,
  argv: readonly string[],
  name: string,
):
  | { kind: 'help'; text: string }
  | { kind: 'run'; options: Record<string, unknown>; args: string[] } {
  try {
    command.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) throw commanderMistake(error, argv, name);
    throw error;
  }
  const options = command.opts<Record<string, unknown>>();
  if (options.help) return { kind: 'help', text: command.helpInformation().trimEnd() };
  return { kind: 'run', options, args: command.args };
}

function parsePortOption(text: string, where: string): number {
  if (!/^[0-9]{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65_535) {
    throw new ConfigError(`"${text}" is not a port; a port is 1 to 65535`, where);
  }
  return Number(text);
}

/** The control-plane options, with the environment's defaults. */
export function cloudAccessOptions(
  options: Record<string, unknown>,
  env: Record<string, string | undefined>,
): CloudAccessOptions {
  const text = (name: string): string | undefined =>
    typeof options[name] === 'string' ? (options[name] as string) : undefined;
  const sandbox = options.sandbox === true;
  const sshPortText =
    text('sandboxSshPort') ?? (sandbox ? env[SANDBOX_SSH_PORT_VARIABLE] : undefined);
  if (sshPortText !== undefined && !sandbox) {
    throw new ConfigError(
      'is for --sandbox only; a real device forwards SSH itself',
      '--sandbox-ssh-port',
    );
  }
  const caBundle = text('caBundle') ?? (env.AWS_CA_BUNDLE || undefined);
  const endpointUrl = text('endpointUrl');
  if (text('caBundle') !== undefined && endpointUrl === undefined) {
    throw new ConfigError('trusts a certificate for --endpoint-url; give that too', '--ca-bundle');
  }
  return {
    ...(text('profile') === undefined ? {} : { profile: text('profile')! }),
    ...(text('region') === undefined ? {} : { region: text('region')! }),
    ...(endpointUrl === undefined ? {} : { endpointUrl }),
    ...(caBundle === undefined || endpointUrl === undefined ? {} : { caBundle }),
    ...(sandbox ? { sandbox } : {}),
    ...(sshPortText === undefined
      ? {}
      : {
          sandboxSshPort: parsePortOption(
            sshPortText,
            text('sandboxSshPort') === undefined ? SANDBOX_SSH_PORT_VARIABLE : '--sandbox-ssh-port',
          ),
        }),
  };
}

/** `-v`: warnings only unless asked, so that a command's own output stays readable. */
export function logLevelOption(options: Record<string, unknown>): LogLevel {
  const text = options.verbose;
  if (typeof text !== 'string') return LogLevel.Warn;
  if (!/^[0-9]{1,3}$/.test(text) || Number(text) > 255) {
    throw new ConfigError(`"${text}" is not a log level; give 0 to 6`, '-v');
  }
  return toLogLevel(Number(text));
}
