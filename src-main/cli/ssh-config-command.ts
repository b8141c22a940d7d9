/**
 * `tunneldesk ssh-config THING…`: `Host` blocks for ~/.ssh/config whose ProxyCommand is
 * `tunneldesk connect THING --stdio`, so that `ssh THING`, scp, rsync and editors'
 * remote-SSH reach a device by its thing name with nothing else to run.
 */
import { ConfigError } from '../core/config/proxy-config.js';
import type { CommandIo } from './io.js';
import { sshConfigBlock } from '../app/ssh-config-block.js';
import { proxyCommandWords } from './ssh-command.js';
import { checkThingName, parseCommandArgs, TARGET_HELP, targetOf } from './target-options.js';

const USAGE = `Usage: tunneldesk ssh-config THING… [options] [--user NAME]

Prints a Host block per THING for ~/.ssh/config; then ssh THING, scp, rsync work unchanged:
  tunneldesk ssh-config kiosk-lobby --region eu-west-1 >> ~/.ssh/config

Options:
  --user NAME            add User NAME to each block
${TARGET_HELP}`;

export function runSshConfigCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { user: { type: 'string' } },
    'ssh-config',
  );
  if (values.help === true) {
    io.out(USAGE);
    return Promise.resolve(0);
  }
  if (positionals.length === 0) checkThingName(undefined, 'ssh-config');
  const things = positionals.map((name) => checkThingName(name, 'ssh-config'));
  const user = values.user as string | undefined;
  if (user !== undefined && !/^[a-zA-Z0-9._-]{1,64}$/.test(user)) {
    throw new ConfigError(`"${user}" is not a user name`, '--user');
  }
  const target = targetOf(values, io.env);
  io.out(`# tunneldesk ssh-config ${things.join(' ')}`);
  for (const thing of things) io.out(sshConfigBlock(thing, proxyCommandWords(thing, target), user));
  return Promise.resolve(0);
}
