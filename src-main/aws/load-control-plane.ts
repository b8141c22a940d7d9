/**
 * The AWS control plane, loaded when first used. The SDK's modules are about a third of
 * the app's start (0.25 s of the 0.65 s before `tunneldesk web` prints its address, on a
 * quiet machine), and an operator who works with the sandbox or a pasted token never
 * needs them. Only types may be imported from control-plane.ts elsewhere in the app:
 * `src-main/architecture.test.ts` holds that.
 */
export type ControlPlane = typeof import('./control-plane.js');

let loading: Promise<ControlPlane> | undefined;

export function loadControlPlane(): Promise<ControlPlane> {
  return (loading ??= import('./control-plane.js'));
}
