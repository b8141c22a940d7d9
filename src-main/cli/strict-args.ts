/**
 * node's parseArgs with the CLI's words for every mistake: an unknown option is named, with
 * where the options are listed; a value missing after an option that takes one, or given to
 * a flag that takes none, is a ConfigError naming the option. `connect`, `ssh` and
 * `ssh-config` parse with it (their start is waited on, as ssh's ProxyCommand), and `web`
 * (four options, and the same words for its mistakes as those commands).
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../core/config/proxy-config.js';

export type OptionSpecs = Record<
  string,
  { readonly type: 'string' | 'boolean'; readonly short?: string }
>;

export type OptionValues = Record<string, string | boolean | undefined>;

export function parseStrict(
  args: readonly string[],
  options: OptionSpecs,
  command: string,
): { values: OptionValues; positionals: string[] } {
  const { values, positionals, tokens } = parseArgs({
    args: [...args],
    options,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const known = options[token.name];
    if (!known) {
      throw new ConfigError(
        `unknown option "${token.rawName}"; 'tunneldesk ${command} --help' lists the options`,
      );
    }
    if (known.type === 'string' && token.value === undefined) {
      throw new ConfigError(`${token.rawName} needs a value`);
    }
    if (known.type === 'boolean' && token.value !== undefined) {
      throw new ConfigError(`${token.rawName} takes no value`);
    }
  }
  return { values: values as OptionValues, positionals };
}
