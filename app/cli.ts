/**
 * Entry point of `moec` (run through bin/moec.js or `npm run moec --`): parses the command line
 * and turns any error (missing file, bad model option, invalid model) into a one-line reason on
 * stderr and a non-zero exit. Set MOEC_DEBUG=1 to see the stack trace.
 */
import { buildProgram } from './program.ts';

try {
  await buildProgram().parseAsync(process.argv);
} catch (e) {
  const err = e as Error;
  process.stderr.write(`moec: ${process.env.MOEC_DEBUG ? err.stack : err.message}\n`);
  process.exitCode = 1;
}
// Dawn keeps native handles alive; leave explicitly once the command has finished — but only
// after stdout and stderr have drained (writes to a pipe are asynchronous and exit drops them).
await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((done) => s.write('', () => done()))));
process.exit(process.exitCode ?? 0);
