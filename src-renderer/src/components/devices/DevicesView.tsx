/**
 * Devices: pick where to look (the sandbox or an AWS profile and region, with who that
 * is), search its things, pick one, and open a tunnel to it or manage its tunnels.
 */
import { useResolvedSource } from '../../hooks/use-aws-source';
import { useThingsStore } from '../../stores/things-store';
import { SourcePicker } from '../aws/SourcePicker';
import { SecretStorageNote } from '../common/SecretStorageNote';
import { ThingDetail } from './ThingDetail';
import { ThingPicker } from './ThingPicker';

export function DevicesView() {
  const resolved = useResolvedSource();
  const selected = useThingsStore((state) => state.selected);
  const selectedSource = useThingsStore((state) => state.selectedSourceKey);
  const source = resolved.ok ? resolved.source : null;
  const thing = resolved.ok && selectedSource === resolved.key ? selected : null;
  return (
    <div className="page page--devices" data-testid="devices-view">
      <header className="page__header">
        <div>
          <h1 className="page__title">Devices</h1>
          <p className="page__subtitle">
            Open a tunnel to a thing in AWS IoT, or to a simulated device of the sandbox.
          </p>
        </div>
        <SecretStorageNote compact />
      </header>
      <SourcePicker resolved={resolved} />
      <div className="devices-grid">
        <ThingPicker resolved={resolved} />
        <ThingDetail thing={thing} source={source} />
      </div>
    </div>
  );
}
