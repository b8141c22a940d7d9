/**
 * Which launcher suits a service: by the service id convention of AWS IoT Secure Tunneling
 * (SSH1, HTTP1, ...). A service whose id says neither gets both, since only its owner knows.
 */
export type ServiceKind = 'http' | 'ssh' | 'other';

export function serviceKind(serviceId: string): ServiceKind {
  if (/^ssh/i.test(serviceId)) return 'ssh';
  if (/^(http|web)/i.test(serviceId)) return 'http';
  return 'other';
}

/** The settings key of a device's service, as main stores browser schemes. */
export function schemeKey(deviceName: string, serviceId: string): string {
  return `${deviceName}/${serviceId}`;
}
