/**
 * Per service: the stream it uses now and how many it started, its connections (open now,
 * opened in all), and bytes each way with the rate under them. In a narrow panel the
 * stream column goes first, then the connections (live.css, col-optional-N).
 */
import { formatBytes, formatCount, formatRate } from '../../lib/format';
import { useStatsStore } from '../../stores/stats-store';

export function ServiceStatsTable({ sessionId }: { readonly sessionId: string }) {
  const services = useStatsStore((state) => state.live[sessionId]?.services);
  return (
    <section className="panel" aria-labelledby={`streams-${sessionId}`}>
      <header className="panel__header">
        <h2 className="panel__title" id={`streams-${sessionId}`}>
          Streams
        </h2>
        <p className="panel__hint">per service</p>
      </header>
      <div className="table-scroll">
        <table className="table table--stacked">
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th
                scope="col"
                className="num col-optional-2"
                title="The stream id in use now / streams started"
              >
                Stream
              </th>
              <th
                scope="col"
                className="num col-optional-1"
                title="Connections open now / opened in all"
              >
                Conns
              </th>
              <th scope="col" className="num">
                ↓ Received
              </th>
              <th scope="col" className="num">
                ↑ Sent
              </th>
            </tr>
          </thead>
          <tbody>
            {(services ?? []).map((service) => (
              <tr key={service.serviceId} data-testid={`service-stats-${service.serviceId}`}>
                <th scope="row" className="mono">
                  {service.serviceId}
                </th>
                <td className="num mono col-optional-2">
                  {service.activeStreamId || '—'}
                  <span className="muted"> / {formatCount(service.streamsStarted)}</span>
                </td>
                <td className="num mono col-optional-1">
                  {formatCount(service.openConnections)}
                  <span className="muted"> / {formatCount(service.connectionsOpened)}</span>
                </td>
                <td className="num mono" title={`${formatCount(service.bytesIn)} bytes`}>
                  {formatBytes(service.bytesIn)}
                  <span className="table__rate rate-in">
                    {formatRate(service.bytesInPerSecond)}
                  </span>
                </td>
                <td className="num mono" title={`${formatCount(service.bytesOut)} bytes`}>
                  {formatBytes(service.bytesOut)}
                  <span className="table__rate rate-out">
                    {formatRate(service.bytesOutPerSecond)}
                  </span>
                </td>
              </tr>
            ))}
            {!services || services.length === 0 ? (
              <tr>
                <td colSpan={5} className="table__empty">
                  No figures yet.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}
