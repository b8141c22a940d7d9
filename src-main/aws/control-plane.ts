/**
 * The part of the AWS layer that loads the AWS SDK, in one module, for the app to load on
 * first use (load-control-plane.ts). Import it statically only where the SDK is needed
 * anyway (the CLI's cloud commands).
 */
export { ClientCache, createClients, type AwsClients } from './clients.js';
export { getIdentity } from './identity.js';
export { describeThing, listThings } from './things.js';
export * as tunnels from './tunnels.js';
