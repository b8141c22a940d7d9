/**
 * The ssh_config `Host` block that reaches a thing through `tunneldesk connect --stdio`:
 * printed by `tunneldesk ssh-config` and copied by the app's "Copy ssh config".
 */

/** A word for /bin/sh (ssh runs ProxyCommand through the shell), with ssh's `%` escaped. */
export function shellWord(word: string): string {
  const escaped = word.replaceAll('%', '%%');
  return /^[a-zA-Z0-9_./:=@+-]+$/.test(escaped) ? escaped : `'${escaped.replaceAll("'", `'\\''`)}'`;
}

/** The block of one thing; `proxyCommand` is the command as separate words. */
export function sshConfigBlock(
  thing: string,
  proxyCommand: readonly string[],
  user?: string,
): string {
  return [
    `Host ${thing}`,
    `  HostName ${thing}`,
    // known_hosts keyed by the device, not by whatever address the tunnel has today.
    `  HostKeyAlias ${thing}`,
    ...(user ? [`  User ${user}`] : []),
    `  ProxyCommand ${proxyCommand.map(shellWord).join(' ')}`,
    '',
  ].join('\n');
}
