/**
 * The chaos workload: three workflows that mix external effects, an approval and a durable timer, so a
 * killed runner can lose something at every kind of step. Each webhook posts to the sink with the relay's
 * `Idempotency-Key`; a run's effects are its webhook steps.
 */
export const approver = 'chaos-approver';

const hook = (sink: string, id: string) => ({
  id,
  type: 'webhook',
  webhook: { url: `${sink}/chaos/${id}`, body: { run: '{{ run.id }}', step: id } },
});

export function chaosWorkflows(sink: string) {
  return [
    {
      effects: 3,
      definition: {
        name: 'chaos: three effects',
        triggers: [{ type: 'manual' }],
        steps: [hook(sink, 'open'), hook(sink, 'update'), hook(sink, 'close')],
      },
    },
    {
      effects: 2,
      definition: {
        name: 'chaos: approval between effects',
        triggers: [{ type: 'manual' }],
        steps: [
          hook(sink, 'request'),
          { id: 'sign_off', type: 'approval', approval: { approvers: [{ user: approver }], timeout: '1h' } },
          hook(sink, 'apply'),
        ],
      },
    },
    {
      effects: 3,
      definition: {
        name: 'chaos: timer then fan-out',
        triggers: [{ type: 'manual' }],
        steps: [
          hook(sink, 'start'),
          { id: 'pause', type: 'wait', wait: { for: '2s' } },
          {
            id: 'fan_out',
            type: 'parallel',
            parallel: { branches: [{ steps: [hook(sink, 'left')] }, { steps: [hook(sink, 'right')] }] },
          },
        ],
      },
    },
  ];
}
