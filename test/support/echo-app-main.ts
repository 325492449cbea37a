// The echo app (./echo-app.ts) as its own process, as a workspace would run it: prints its port.
import { startEchoApp } from './echo-app.js';

const app = await startEchoApp(Number(process.argv[2] ?? 0));
process.stdout.write(`${app.port}\n`);
