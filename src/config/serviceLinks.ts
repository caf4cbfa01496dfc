/**
 * The variables Kubernetes adds to every container for each Service of its namespace when
 * service links are on (the default): for a Service `mnemo-metrics`, `MNEMO_METRICS_SERVICE_HOST`,
 * `MNEMO_METRICS_SERVICE_PORT` (and `_SERVICE_PORT_<NAME>` per named port), `MNEMO_METRICS_PORT`
 * and `MNEMO_METRICS_PORT_<port>_<TCP|UDP|SCTP>` (and its `_PROTO`, `_PORT`, `_ADDR`). A name
 * counts as one only when its `<SERVICE>_SERVICE_HOST` is set too, as Kubernetes always does, so
 * that a stray `MNEMO_GRPC_PORT` alone is still no setting.
 */
export function isServiceLink(name: string, env: Readonly<Record<string, unknown>>): boolean {
  return Object.keys(env)
    .filter((host) => host.endsWith(HOST))
    .map((host) => host.slice(0, -HOST.length))
    .some((service) => name.startsWith(`${service}_`) && LINK.test(name.slice(service.length + 1)));
}

const HOST = '_SERVICE_HOST';

/** What follows `<SERVICE>_` in a service link variable. */
const LINK =
  /^(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_\d+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)?)$/;
