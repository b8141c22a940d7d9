/**
 * Which protocol version the device's local proxy speaks: V3 first (current proxies), then
 * the older ones. Extra props (the id and aria attributes `Field` adds) reach the select.
 */
import type { SelectHTMLAttributes } from 'react';
import type { ProtocolVersion } from '../../../../src-main/ipc/contract.js';

type PeerVersionSelectProps = Omit<
  SelectHTMLAttributes<HTMLSelectElement>,
  'value' | 'onChange'
> & {
  readonly value: ProtocolVersion;
  readonly onChange: (version: ProtocolVersion) => void;
};

const VERSIONS: readonly ProtocolVersion[] = ['V3', 'V2', 'V1'];

export function PeerVersionSelect({ value, onChange, ...select }: PeerVersionSelectProps) {
  return (
    <select
      className="select mono"
      {...select}
      value={value}
      onChange={(event) => onChange(event.target.value as ProtocolVersion)}
    >
      {VERSIONS.map((version) => (
        <option key={version} value={version}>
          {version}
        </option>
      ))}
    </select>
  );
}
