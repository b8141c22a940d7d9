// Embed a source proxy in a Node script: the operator's side of a tunnel, serving the
// tunnel's SSH1 service on a local port, until Ctrl-C.
//
//   AWSIOT_TUNNEL_ACCESS_TOKEN=... AWS_REGION=eu-west-1 node examples/source-proxy.mjs
//
// TUNNEL_ENDPOINT (e.g. ws://127.0.0.1:8443 for `tunneldesk service --plain`) replaces the
// region's data plane; SOURCE_PORT picks the local port (a free one by default).
import { startSourceProxy } from 'tunneldesk';

const proxy = await startSourceProxy({
  accessToken: process.env.AWSIOT_TUNNEL_ACCESS_TOKEN,
  ...(process.env.TUNNEL_ENDPOINT
    ? { endpoint: process.env.TUNNEL_ENDPOINT }
    : { region: process.env.AWS_REGION ?? 'us-east-1' }),
  services: { SSH1: Number(process.env.SOURCE_PORT ?? 0) },
});

proxy.on('ready', (ports) => {
  for (const { serviceId, host, port } of ports) console.log(`${serviceId} ${host}:${port}`);
});
proxy.on('state', (state) => console.error(`tunnel: ${state.kind}`));
proxy.on('connection', ({ kind, connection }) =>
  console.error(`connection ${kind}: ${connection.peer}`),
);
proxy.on('stopped', (cause, fatal) => {
  if (fatal) console.error(`stopped: ${cause.kind}`);
  process.exitCode = fatal ? 1 : 0;
});
process.once('SIGINT', () => void proxy.close());
