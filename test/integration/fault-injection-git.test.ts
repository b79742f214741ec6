/** Fault injection at every write step (issue 23; the cases and checks are in fault-injection.ts): register --commit under isomorphic-git. */
import { faultInjectionTests } from './fault-injection.js';

faultInjectionTests('git');
