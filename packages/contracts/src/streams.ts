/**
 * The JetStream streams every service agrees on. Names and subjects are unprefixed; the bus adds a
 * deployment prefix (tests use one per file).
 */
export interface StreamSpec {
  name: string;
  subjects: string[];
  /** `workqueue`: a message is gone once acked (commands); `limits`: kept until max age (events). */
  retention: 'workqueue' | 'limits';
  /** Messages older than this are dropped. */
  maxAgeMs: number;
  /** Window in which a repeated `Nats-Msg-Id` is dropped. */
  duplicateWindowMs: number;
}

const day = 86_400_000;

export const streams = {
  runs: {
    name: 'RUNS',
    subjects: ['run.>'],
    retention: 'workqueue',
    maxAgeMs: 14 * day,
    duplicateWindowMs: 120_000,
  },
  steps: {
    name: 'STEPS',
    subjects: ['step.>'],
    retention: 'workqueue',
    maxAgeMs: 14 * day,
    duplicateWindowMs: 120_000,
  },
  triggers: {
    name: 'TRIGGERS',
    subjects: ['trigger.>', 'kri.breach.>', 'event.>'],
    retention: 'workqueue',
    maxAgeMs: 14 * day,
    duplicateWindowMs: 120_000,
  },
  workflows: {
    name: 'WORKFLOWS',
    subjects: ['workflow.>'],
    retention: 'limits',
    maxAgeMs: 30 * day,
    duplicateWindowMs: 120_000,
  },
  kriUpdates: {
    name: 'KRI_UPDATES',
    subjects: ['kri.update.>'],
    retention: 'limits',
    maxAgeMs: 30 * day,
    duplicateWindowMs: 120_000,
  },
  /** Audit entries the gateway could not write when it answered: written later, once each. */
  audit: {
    name: 'AUDIT',
    subjects: ['audit.>'],
    retention: 'workqueue',
    maxAgeMs: 14 * day,
    duplicateWindowMs: 120_000,
  },
  deadLetters: {
    name: 'DEAD_LETTERS',
    subjects: ['dlq.>'],
    retention: 'limits',
    maxAgeMs: 90 * day,
    duplicateWindowMs: 120_000,
  },
} as const satisfies Record<string, StreamSpec>;
