import { runInProcess } from '../../test/in-process.ts';
import { cases } from './conformance.ts';

runInProcess('mixed (in-process)', cases);
