/** Fault injection at every write step (issue 23; the cases and checks are in fault-injection.ts): register, config, deprecate and auth add. */
import { faultInjectionTests } from './fault-injection.js';

faultInjectionTests('files');
