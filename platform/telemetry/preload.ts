/**
 * The first import of every process's main (services, simulators, the
 * gateway, the worker, the codec server): starts tracing when the environment
 * asks for it (./index), before the modules the instrumentations patch
 * (http, express, pg) are loaded by the imports that follow. The build keeps
 * every module its own file (scripts/build.ts), so the order holds in dist/ too.
 */
import { startTracingIfConfigured } from './index';

startTracingIfConfigured();
