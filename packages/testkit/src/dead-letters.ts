/** Read what a service's consumer dead-lettered, as a test or an operator would look for it. */
import type { BusConnection } from '@riskloop/bus';
import { DeadLetter, streams, subjects } from '@riskloop/contracts';

/** Every dead letter of `consumer` on contract stream `stream` (e.g. `RUNS`, `runner`), oldest first. */
export async function readDeadLetters(
  bus: BusConnection,
  stream: string,
  consumer: string,
): Promise<DeadLetter[]> {
  const store = bus.streamName(streams.deadLetters.name);
  const subject = bus.subject(subjects.deadLetter(bus.streamName(stream), consumer));
  const { state } = await bus.jsm.streams.info(store);
  const letters: DeadLetter[] = [];
  if (state.messages === 0) return letters;
  for (let seq = state.first_seq; seq <= state.last_seq; seq += 1) {
    const stored = await bus.jsm.streams.getMessage(store, { seq }).catch(() => undefined);
    if (stored?.subject === subject) letters.push(DeadLetter.parse(stored.json()));
  }
  return letters;
}
