/**
 * Preloaded into every service process by `npm run bench -- --profile <dir>` (through NODE_OPTIONS, since
 * `node --cpu-prof` is not allowed there): a V8 CPU profile of the whole process life, written when it
 * exits, one `<service>-<pid>.cpuprofile` per process.
 */
import { writeFileSync } from 'node:fs';
import { Session, type Profiler } from 'node:inspector';

const dir = process.env.BENCH_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // The in-process session answers synchronously, so the file is written before the process ends.
    session.post('Profiler.stop', (error, result: Profiler.StopReturnType) => {
      if (error) return;
      const name = process.argv[1]?.split('/').at(-3) ?? 'node';
      writeFileSync(`${dir}/${name}-${process.pid}.cpuprofile`, JSON.stringify(result.profile));
    });
  });
}
