/**
 * The load driver: publishes KRI breaches over NATS as the risk engine does, and follows each one to its
 * first external effect (the sink's first request for it) and to its run's end (`run.finished`, which the
 * runner sends to the trigger router). Closed loop: keep `inFlight` breaches unfinished. Open loop: publish
 * at a fixed rate (the latency at half load).
 */
import { publishEvent, type BusConnection } from '@riskloop/bus';
import { cloudEvent, kriEventTypes, subjects, type CloudEvent } from '@riskloop/contracts';
import type { Sink } from '@riskloop/testkit';
import { percentiles } from './probe.ts';
import { benchKri, type BenchTenant } from './workload.ts';

export interface Sample {
  breaches: number;
  completed: number;
  failed: number;
  seconds: number;
  runsPerSec: number;
  firstEffectMs: ReturnType<typeof percentiles>;
  completedMs: ReturnType<typeof percentiles>;
}

interface Breach {
  sentAt: number;
  firstEffectAt?: number;
  finishedAt?: number;
  status?: string;
}

/** Follows breaches through the sink and the finished events of every bench tenant. */
export function createTracker(bus: BusConnection, sink: Sink, tenants: BenchTenant[]) {
  const breaches = new Map<string, Breach>();
  const breachOfRun = new Map<string, string>();
  const finishedRuns = new Map<string, { at: number; status: string }>();
  let onFinish: (() => void) | undefined;
  let seenRequests = 0;

  /** Read new sink requests: the first effect of a breach, and which run it belongs to. */
  const readSink = () => {
    for (; seenRequests < sink.requests.length; seenRequests += 1) {
      const request = sink.requests[seenRequests];
      const body = request?.json as { b?: string; step?: string } | undefined;
      if (!request || !body?.b) continue;
      const breach = breaches.get(body.b);
      if (!breach) continue;
      if (body.step === 'one') breach.firstEffectAt ??= request.at;
      const runId = String(request.headers['x-riskloop-run'] ?? '');
      if (runId && !breachOfRun.has(runId)) {
        breachOfRun.set(runId, body.b);
        const finished = finishedRuns.get(runId);
        if (finished) settle(body.b, finished);
      }
    }
  };
  const settle = (id: string, finished: { at: number; status: string }) => {
    const breach = breaches.get(id);
    if (!breach || breach.finishedAt !== undefined) return;
    breach.finishedAt = finished.at;
    breach.status = finished.status;
    onFinish?.();
  };

  const subscriptions = tenants.map((t) =>
    bus.nc.subscribe(bus.subject(subjects.runFinished(t.id)), {
      callback: (_error, msg) => {
        const event = msg.json<CloudEvent<{ runId: string; status: string }>>();
        const at = Date.now();
        if (finishedRuns.has(event.data.runId)) return;
        const finished = { at, status: event.data.status };
        finishedRuns.set(event.data.runId, finished);
        readSink();
        const breach = breachOfRun.get(event.data.runId);
        if (breach) settle(breach, finished);
      },
    }),
  );

  let sequence = 0;
  const publish = async (tag: string): Promise<string> => {
    const n = sequence++;
    const tenant = tenants[n % tenants.length] as BenchTenant;
    const id = `${tag}-${n}`;
    breaches.set(id, { sentAt: Date.now() });
    const data = {
      kri: benchKri,
      value: 12,
      threshold: 10,
      direction: 'above',
      severity: 'high',
      observed_at: new Date().toISOString(),
      bench: id,
    };
    await publishEvent(
      bus,
      subjects.kriBreach(tenant.id, benchKri),
      cloudEvent({ id, source: 'bench/risk-engine', type: kriEventTypes.breached, tenant: tenant.id, data }),
    );
    return id;
  };

  const summarize = (ids: string[], started: number): Sample => {
    readSink();
    const of = ids.map((id) => breaches.get(id)).filter((b): b is Breach => b !== undefined);
    const done = of.filter((b) => b.finishedAt !== undefined);
    const last = Math.max(started, ...done.map((b) => b.finishedAt ?? 0));
    const seconds = (last - started) / 1000;
    return {
      breaches: ids.length,
      completed: done.filter((b) => b.status === 'succeeded').length,
      failed: done.filter((b) => b.status !== 'succeeded').length,
      seconds: Math.round(seconds * 100) / 100,
      runsPerSec: seconds > 0 ? Math.round((done.length / seconds) * 10) / 10 : 0,
      firstEffectMs: percentiles(of.flatMap((b) => (b.firstEffectAt ? [b.firstEffectAt - b.sentAt] : []))),
      completedMs: percentiles(done.map((b) => (b.finishedAt ?? 0) - b.sentAt)),
    };
  };

  const unfinished = (ids: string[]) => ids.filter((id) => breaches.get(id)?.finishedAt === undefined).length;

  /** Wait until every breach in `ids` finished, or `timeoutMs` passed with no progress. */
  const settleAll = async (ids: string[], timeoutMs: number) => {
    let left = unfinished(ids);
    let lastProgress = Date.now();
    while (left > 0 && Date.now() - lastProgress < timeoutMs) {
      await new Promise((r) => setTimeout(r, 100));
      readSink();
      const now = unfinished(ids);
      if (now < left) lastProgress = Date.now();
      left = now;
    }
  };

  return {
    /**
     * Closed loop: `total` breaches, never more than `inFlight` unfinished. `during(done)` is called as
     * runs finish (the scale-out kill uses it).
     */
    async closedLoop(
      tag: string,
      inFlight: number,
      total: number,
      during?: (done: number) => void,
    ): Promise<Sample> {
      const ids: string[] = [];
      const started = Date.now();
      let done = 0;
      let wake: (() => void) | undefined;
      onFinish = () => {
        done += 1;
        during?.(done);
        wake?.();
      };
      while (ids.length < total) {
        readSink();
        if (ids.length - done >= inFlight) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, 50);
          });
          continue;
        }
        const batch = Math.min(inFlight - (ids.length - done), total - ids.length);
        const sent = await Promise.all(Array.from({ length: batch }, () => publish(tag)));
        ids.push(...sent);
      }
      await settleAll(ids, 60_000);
      onFinish = undefined;
      return summarize(ids, started);
    },

    /** Open loop: `total` breaches at `perSecond`, whatever finishes. */
    async openLoop(tag: string, perSecond: number, total: number): Promise<Sample> {
      const ids: string[] = [];
      const started = Date.now();
      const tickMs = 10;
      while (ids.length < total) {
        const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * perSecond) + 1);
        const sends: Promise<string>[] = [];
        while (ids.length + sends.length < due) sends.push(publish(tag));
        ids.push(...(await Promise.all(sends)));
        readSink();
        await new Promise((r) => setTimeout(r, tickMs));
      }
      await settleAll(ids, 60_000);
      const sample = summarize(ids, started);
      return sample;
    },

    /** Idempotency keys the sink saw, and how many requests each got. */
    effects(): Map<string, number> {
      const byKey = new Map<string, number>();
      for (const request of sink.requests) {
        if (!request.path.startsWith('/bench/')) continue;
        const key = String(request.headers['idempotency-key'] ?? '');
        byKey.set(key, (byKey.get(key) ?? 0) + 1);
      }
      return byKey;
    },

    close() {
      for (const s of subscriptions) s.unsubscribe();
    },
  };
}

export type Tracker = ReturnType<typeof createTracker>;
