/**
 * Schedules fire each time exactly once with two trigger-router copies, one of them killed in the middle:
 * a one-minute cron over 30 simulated minutes (the routers' test clock runs 120 times faster) gives 30
 * runs, one per minute, each sent to the runner once.
 */
import { streams } from '@riskloop/contracts';
import { usePlatform, waitFor, type ServiceProcess } from '@riskloop/testkit';
import { expect, it } from 'vitest';

const e2e = usePlatform({ services: ['registry', 'gateway'] });
const minute = 60_000;

it('two routers, a one-minute cron, 30 simulated minutes, one router killed: exactly 30 runs', async () => {
  const created = await e2e.api('POST', '/api/workflows', {
    body: {
      name: 'Every minute',
      triggers: [{ type: 'schedule', cron: '* * * * *', timezone: 'Europe/London' }],
      steps: [{ id: 'mark', type: 'set', set: { vars: { at: '{{ trigger.scheduled_at }}' } } }],
    },
  });
  const workflowId = created.body.id as string;
  expect((await e2e.api('POST', `/api/workflows/${workflowId}/activate`)).status).toBe(200);

  const clock = {
    TRIGGER_CLOCK_START: '2026-03-29T00:00:30Z', // the night London moves to summer time
    TRIGGER_CLOCK_EPOCH_MS: String(Date.now()),
    TRIGGER_CLOCK_SPEED: '120',
    SCHEDULE_TICK_MS: '100',
    // A loaded machine may stall a tick for seconds (minutes of simulated time): run every missed minute.
    SCHEDULE_MISFIRE_GRACE_MS: String(24 * 60 * minute),
  };
  const routers: ServiceProcess[] = await Promise.all([
    e2e.platform.start('trigger-router', clock),
    e2e.platform.start('trigger-router', clock),
  ]);

  const fires = async () =>
    (
      await e2e.platform.db.query<{ source_id: string }>(
        `select source_id from trigger_router.triggered_runs where workflow_id = $1`,
        [workflowId],
      )
    )
      .map((r) => Date.parse(r.source_id.replace(/^schedule:0:/, '')))
      .sort((a, b) => a - b);

  const first = await waitFor(async () => (await fires())[0], 60_000, 'the first scheduled run');
  await waitFor(
    async () => ((await fires()).at(-1) ?? 0) >= first + 10 * minute,
    60_000,
    '10 simulated minutes',
  );
  await routers[0]!.kill();
  await waitFor(
    async () => ((await fires()).at(-1) ?? 0) >= first + 30 * minute,
    60_000,
    '30 simulated minutes',
  );
  await routers[1]!.stop();

  const times = await fires();
  const window = times.filter((t) => t < first + 30 * minute);
  expect(window).toEqual(Array.from({ length: 30 }, (_, i) => first + i * minute));
  expect(new Set(times).size).toBe(times.length);

  // Every run was released and sent to the runner once (the killed copy's unsent work included).
  const { db, testBus } = e2e.platform;
  expect(await db.query(`select 1 from trigger_router.triggered_runs where released_at is null`)).toEqual([]);
  await waitFor(
    async () => (await db.query(`select 1 from trigger_router.outbox where sent_at is null`)).length === 0,
    30_000,
    'the outbox to be sent',
  );
  const runs = await testBus.bus.jsm.streams.info(testBus.bus.streamName(streams.runs.name));
  expect(runs.state.messages).toBe(times.length);
});
