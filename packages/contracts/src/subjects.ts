/**
 * Every NATS subject the platform uses, built by function: services never type subject literals.
 * Subjects carry the tenant so consumers can filter and limits can be per tenant.
 */

/** Tenant ids and other tokens must be single subject tokens. */
function token(value: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(value)) throw new Error(`not a valid subject token: ${JSON.stringify(value)}`);
  return value;
}

export const subjects = {
  /** A run must start: trigger-router -> runner. */
  runStart: (tenant: string) => `run.start.${token(tenant)}`,
  /** Something happened to a run (a step result, a timer, a decision): any -> runner. */
  runEvent: (tenant: string, run: string) => `run.event.${token(tenant)}.${token(run)}`,
  /**
   * An event from outside (a breach, a recovery, another system's event) that waiting runs may be
   * waiting for: trigger-router -> runner, which matches it against the runs' `wait: { event }` steps.
   */
  runSignal: (tenant: string) => `run.signal.${token(tenant)}`,
  /** Execute a step of `kind`: runner -> the service that owns the kind. */
  stepExec: (kind: string, tenant: string) => `step.exec.${token(kind)}.${token(tenant)}`,
  /** Every step command of one kind, for the owning service's consumer. */
  stepExecAll: (kind: string) => `step.exec.${token(kind)}.*`,
  /** A step's result for the KRI emitter's result mappings: runner -> kri-emitter. */
  stepResult: (tenant: string) => `step.result.${token(tenant)}`,
  stepResultAll: () => 'step.result.*',
  /** A run finished (any status): runner -> trigger-router, which counts runs in flight per tenant. */
  runFinished: (tenant: string) => `trigger.finished.${token(tenant)}`,
  runFinishedAll: () => 'trigger.finished.*',
  /** A manual trigger: gateway -> trigger-router. */
  triggerManual: (tenant: string) => `trigger.manual.${token(tenant)}`,
  /** An audit entry the gateway could not write when it answered the call: gateway -> gateway. */
  auditPending: (tenant: string) => `audit.pending.${token(tenant)}`,
  auditPendingAll: () => 'audit.pending.*',
  /**
   * A tenant's KRI event definitions changed (core NATS, not a stream): registry -> kri-emitter and
   * runner, which drop their cached copies. A lost notice is covered by the cache's time limit.
   */
  kriDefinitionsChanged: (tenant: string) => `notice.kri-definitions.${token(tenant)}`,
  kriDefinitionsChangedAll: () => 'notice.kri-definitions.*',
  /** A tenant's relay config changed (core NATS): relay -> every relay copy, which drops its cached copy. */
  relayConfigChanged: (tenant: string) => `notice.relay-config.${token(tenant)}`,
  relayConfigChangedAll: () => 'notice.relay-config.*',
  /** Registry lifecycle events (activated, paused, archived, version created). */
  workflowEvent: (tenant: string, event: string) => `workflow.${token(event)}.${token(tenant)}`,
  /** A KRI breach from the risk engine. */
  kriBreach: (tenant: string, kri: string) => `kri.breach.${token(tenant)}.${token(kri)}`,
  /** A KRI update riskloop publishes to the risk model. */
  kriUpdate: (tenant: string, kri: string) => `kri.update.${token(tenant)}.${token(kri)}`,
  /** An event another system publishes to riskloop. */
  externalEvent: (tenant: string, type: string) => `event.${token(tenant)}.${type}`,
  /** Where a message that cannot be processed goes, with its reason. */
  deadLetter: (stream: string, consumer: string) => `dlq.${token(stream)}.${token(consumer)}`,
  /** Request/reply to a service: `rpc.<service>.<tenant>.<method>`; `*` for the tenant when serving. */
  rpc: (service: string, tenant: string, method: string) =>
    `rpc.${token(service)}.${tenant === '*' ? '*' : token(tenant)}.${token(method)}`,
  /** Liveness ping answered by every running copy of a service. */
  health: (service: string) => `health.${token(service)}`,
} as const;
